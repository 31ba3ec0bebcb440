// QuickFIX has no public way to write bytes that are not a FIX message, but the interop test
// "garbled inbound is ignored" needs exactly that. Session keeps its Responder (the TLS
// connection) private; the standard explicit-instantiation rule (access checks do not apply
// to the template arguments of an explicit instantiation) lets this file name the member
// without editing QuickFIX's headers. Test tool only.
#include <quickfix/Session.h>

#include "RawSend.h"

namespace {

struct ResponderMember {
    typedef FIX::Responder* FIX::Session::*type;
    friend type member(ResponderMember);
};

template <typename Tag, typename Tag::type Member>
struct Expose {
    friend typename Tag::type member(Tag) { return Member; }
};

template struct Expose<ResponderMember, &FIX::Session::m_pResponder>;

}  // namespace

bool sendRaw(FIX::Session* session, const std::string& bytes) {
    if (!session) return false;
    FIX::Responder* responder = session->*member(ResponderMember());
    return responder && responder->send(bytes);
}
