#ifndef QUICKFIXPEER_RAWSEND_H
#define QUICKFIXPEER_RAWSEND_H
#include <string>
namespace FIX { class Session; }
/// Writes `bytes` unframed onto the session's connection (through TLS); false when not connected.
bool sendRaw(FIX::Session* session, const std::string& bytes);
#endif
