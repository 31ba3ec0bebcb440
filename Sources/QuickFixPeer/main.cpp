// QuickFixPeer: a QuickFIX C++ acceptor (libquickfix, Debian) that plays Kalshi's side of one
// FIXT.1.1 session against our SessionDriver in the interop tests
// (Tests/FixSessionTests/Interop). It is a test tool, not part of the engine.
//
// Why QuickFIX: it is the reference implementation most Kalshi clients use, so a session
// layer that QuickFIX accepts (and whose dictionary QuickFIX loads and validates against) is
// unlikely to be rejected for protocol reasons by the real gateway.
//
// Usage (every option is key=value):
//   QuickFixPeer dir=<temp dir> port=<n> cert=<server cert PEM> key=<server key PEM>
//                pubkey=<client public key PEM> dictionary=<spec/fix-dictionary-1.03.xml>
//                target=<client key id> [sender=KalshiRT] [reset=N|Y]
//   QuickFixPeer mode=initiator ...   QuickFIX as a Kalshi client timing order → ack (Initiator.cpp)
//
// Settings and the FileStore live in <dir>, so sequence numbers survive our restarts.
// TLS is QuickFIX's own SSLSocketAcceptor (the Debian build exports it).
//
// Output (stdout, one line per event, flushed):
//   READY port=<n>                 listening
//   IN <msg>  / OUT <msg>          every message QuickFIX reads / writes (SOH shown as '|')
//   LOG <text>                     QuickFIX's session events ("MsgSeqNum too high ...")
//   EVENT sig ok|bad <why>         the Logon signature check (bad: the Logon is rejected)
//   EVENT logon / EVENT logout     QuickFIX's onLogon / onLogout
//   EVENT admin <msg> / EVENT app <msg>   fromAdmin / fromApp (validated, in order)
//   DONE <command> / ERROR <text>  after each command
// Commands (stdin, one per line): see runCommand().
//
// Single-threaded: the acceptor is polled from the same loop that reads stdin, so commands
// never race QuickFIX's own socket handling.

#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/SSLSocketAcceptor.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "RawSend.h"

/// Initiator mode (Initiator.cpp): `QuickFixPeer mode=initiator ...`, the QuickFIX client row of `Bench roundtrip`.
int runInitiator(int argc, char** argv);

namespace {

/// Prints one line and flushes: the test reads stdout through a pipe.
void emit(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

/// SOH shown as '|', so a message fits on one line.
std::string printable(const std::string& raw) {
    std::string out = raw;
    for (auto& c : out) if (c == '\x01') c = '|';
    return out;
}

/// Prints every message and session event of the session; this is how the tests see what
/// QuickFIX read (including PossDup resends it drops as duplicates) and what it decided.
class LineLog : public FIX::Log {
public:
    void clear() override {}
    void backup() override {}
    void onIncoming(const std::string& s) override { emit("IN " + printable(s)); }
    void onOutgoing(const std::string& s) override { emit("OUT " + printable(s)); }
    void onEvent(const std::string& s) override { emit("LOG " + s); }
};

class LineLogFactory : public FIX::LogFactory {
public:
    FIX::Log* create() override { return new LineLog(); }
    FIX::Log* create(const FIX::SessionID&) override { return new LineLog(); }
    void destroy(FIX::Log* log) override { delete log; }
};

/// Kalshi's logon signature check: RSA-PSS, SHA-256, MGF1-SHA-256, salt 32, over
/// SendingTime SOH MsgType SOH MsgSeqNum SOH SenderCompID SOH TargetCompID, base64 in RawData.
class SignatureVerifier {
public:
    explicit SignatureVerifier(const std::string& publicKeyPath) {
        FILE* f = std::fopen(publicKeyPath.c_str(), "r");
        if (!f) throw std::runtime_error("cannot open public key " + publicKeyPath);
        key_ = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        if (!key_) throw std::runtime_error("no PEM public key in " + publicKeyPath);
    }
    ~SignatureVerifier() { EVP_PKEY_free(key_); }

    /// Empty when the signature verifies; otherwise why not.
    std::string check(const FIX::Message& logon) const {
        const FIX::Header& h = logon.getHeader();
        if (!logon.isSetField(96)) return "RawData (96) missing";
        std::string preHash = h.getField(52) + '\x01' + h.getField(35) + '\x01' + h.getField(34) + '\x01' +
                              h.getField(49) + '\x01' + h.getField(56);
        std::string b64 = logon.getField(96);
        if (b64.empty() || b64.size() % 4 != 0) return "RawData is not base64";
        std::vector<unsigned char> sig(b64.size() / 4 * 3);
        int n = EVP_DecodeBlock(sig.data(), reinterpret_cast<const unsigned char*>(b64.data()), (int)b64.size());
        if (n < 0) return "RawData is not base64";
        size_t pad = 0;
        if (b64.size() >= 1 && b64[b64.size() - 1] == '=') pad++;
        if (b64.size() >= 2 && b64[b64.size() - 2] == '=') pad++;
        sig.resize((size_t)n - pad);

        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        bool ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), nullptr, key_) == 1 &&
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
                  EVP_DigestVerify(ctx, sig.data(), sig.size(),
                                   reinterpret_cast<const unsigned char*>(preHash.data()), preHash.size()) == 1;
        EVP_MD_CTX_free(ctx);
        return ok ? "" : "signature does not verify";
    }

private:
    EVP_PKEY* key_ = nullptr;
};

class PeerApplication : public FIX::Application {
public:
    explicit PeerApplication(const SignatureVerifier& verifier) : verifier_(verifier) {}

    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID&) override { emit("EVENT logon"); }
    void onLogout(const FIX::SessionID&) override { emit("EVENT logout"); }
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}

    void fromAdmin(const FIX::Message& message, const FIX::SessionID&)
        throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
        emit("EVENT admin " + printable(message.toString()));
        if (message.getHeader().getField(35) == "A") {
            std::string problem = verifier_.check(message);
            if (!problem.empty()) {
                emit("EVENT sig bad " + problem);
                throw FIX::RejectLogon("Invalid signature: " + problem);
            }
            emit("EVENT sig ok");
        }
    }

    void fromApp(const FIX::Message& message, const FIX::SessionID&)
        throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
        emit("EVENT app " + printable(message.toString()));
    }

private:
    const SignatureVerifier& verifier_;
};

std::map<std::string, std::string> parseOptions(int argc, char** argv) {
    std::map<std::string, std::string> options;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto eq = a.find('=');
        if (eq == std::string::npos) throw std::runtime_error("argument without '=': " + a);
        options[a.substr(0, eq)] = a.substr(eq + 1);
    }
    for (const char* required : {"dir", "port", "cert", "key", "pubkey", "dictionary", "target"})
        if (!options.count(required)) throw std::runtime_error(std::string("missing option ") + required);
    if (!options.count("sender")) options["sender"] = "KalshiRT";
    if (!options.count("reset")) options["reset"] = "N";
    return options;
}

/// The settings file. Validation is QuickFIX's default, i.e. its strictest: UseDataDictionary=Y
/// with our dictionary as both the transport and the application dictionary,
/// ValidateFieldsOutOfOrder, ValidateFieldsHaveValues, ValidateUserDefinedFields and
/// ValidateLengthAndChecksum all Y, AllowUnknownMsgFields N, RequiresOrigSendingTime Y; plus
/// CheckLatency with Kalshi's 30 s SendingTime window.
std::string writeSettings(const std::map<std::string, std::string>& o) {
    const std::string& dir = o.at("dir");
    std::ostringstream s;
    s << "[DEFAULT]\n"
      << "ConnectionType=acceptor\n"
      << "SocketAcceptPort=" << o.at("port") << "\n"
      << "SocketReuseAddress=Y\n"
      << "SocketNodelay=Y\n"
      << "FileStorePath=" << dir << "/store\n"
      << "StartTime=00:00:00\nEndTime=00:00:00\n"
      << "UseDataDictionary=Y\n"
      << "TransportDataDictionary=" << o.at("dictionary") << "\n"
      << "AppDataDictionary=" << o.at("dictionary") << "\n"
      << "DefaultApplVerID=FIX.5.0SP2\n"
      << "ValidateFieldsOutOfOrder=Y\nValidateFieldsHaveValues=Y\nValidateUserDefinedFields=Y\n"
      << "ValidateLengthAndChecksum=Y\nAllowUnknownMsgFields=N\nRequiresOrigSendingTime=Y\n"
      << "CheckLatency=Y\nMaxLatency=30\n"
      << "ResetOnLogon=" << o.at("reset") << "\nResetOnLogout=N\nResetOnDisconnect=N\n"
      << "PersistMessages=Y\n"
      << "ServerCertificateFile=" << o.at("cert") << "\n"
      << "ServerCertificateKeyFile=" << o.at("key") << "\n"
      << "SSLProtocol=all -SSLv2 -SSLv3\n"
      << "\n[SESSION]\n"
      << "BeginString=FIXT.1.1\n"
      << "SenderCompID=" << o.at("sender") << "\n"
      << "TargetCompID=" << o.at("target") << "\n";
    std::string path = dir + "/quickfix.cfg";
    std::ofstream(path) << s.str();
    return path;
}

/// `35=j|372=D|380=0` → a message with those body fields (header filled by QuickFIX).
FIX::Message buildMessage(const std::string& spec) {
    FIX::Message m;
    std::istringstream in(spec);
    std::string part;
    while (std::getline(in, part, '|')) {
        auto eq = part.find('=');
        if (eq == std::string::npos) throw std::runtime_error("bad field " + part);
        int tag = std::stoi(part.substr(0, eq));
        std::string value = part.substr(eq + 1);
        if (tag == 35) m.getHeader().setField(35, value);
        else m.setField(tag, value);
    }
    return m;
}

/// Commands:
///   testrequest <id>        send TestRequest 112=<id>
///   send <35=x|tag=v|...>   send a message with these fields (numbered by QuickFIX)
///   setsender <n>           next outbound MsgSeqNum = n (skip ahead: the client sees a gap;
///                           go back: the client sees "too low")
///   settarget <n>           next expected inbound MsgSeqNum = n
///   resend <begin> <end>    send ResendRequest 7=<begin> 16=<end>
///   garbage <text>          write <text> ('|' becomes SOH) raw onto the TLS stream
///   logout [text]           Logout (the session stays disabled until `enable`)
///   enable                  accept Logons again after `logout`
///   disconnect              drop the connection without Logout
///   seq                     print SEQ sender=<next out> target=<next in>
///   quit                    stop
bool runCommand(const std::string& line, FIX::Session* session) {
    std::istringstream in(line);
    std::string verb;
    in >> verb;
    std::string rest;
    std::getline(in, rest);
    if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
    try {
        if (verb == "quit") { emit("DONE quit"); return false; }
        if (!session) throw std::runtime_error("no session");
        if (verb == "testrequest") {
            FIX::Message m;
            m.getHeader().setField(35, "1");
            m.setField(112, rest);
            session->send(m);
        } else if (verb == "send") {
            FIX::Message m = buildMessage(rest);
            session->send(m);
        } else if (verb == "setsender") {
            session->setNextSenderMsgSeqNum(std::stoi(rest));
        } else if (verb == "settarget") {
            session->setNextTargetMsgSeqNum(std::stoi(rest));
        } else if (verb == "resend") {
            std::istringstream r(rest);
            std::string begin, end;
            r >> begin >> end;
            FIX::Message m;
            m.getHeader().setField(35, "2");
            m.setField(7, begin);
            m.setField(16, end);
            session->send(m);
        } else if (verb == "garbage") {
            std::string bytes = rest;
            for (auto& c : bytes) if (c == '|') c = '\x01';
            if (!sendRaw(session, bytes)) throw std::runtime_error("not connected");
        } else if (verb == "logout") {
            session->logout(rest);
        } else if (verb == "enable") {
            session->logon();
        } else if (verb == "disconnect") {
            session->disconnect();
        } else if (verb == "seq") {
            emit("SEQ sender=" + std::to_string(session->getExpectedSenderNum()) +
                 " target=" + std::to_string(session->getExpectedTargetNum()));
        } else {
            throw std::runtime_error("unknown command " + verb);
        }
        emit("DONE " + verb);
    } catch (const std::exception& e) {
        emit(std::string("ERROR ") + verb + ": " + e.what());
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "mode=initiator") return runInitiator(argc - 1, argv + 1);
    try {
        auto options = parseOptions(argc, argv);
        SignatureVerifier verifier(options.at("pubkey"));
        FIX::SessionSettings settings(writeSettings(options));
        PeerApplication application(verifier);
        FIX::FileStoreFactory store(settings);
        LineLogFactory logs;
        FIX::SSLSocketAcceptor acceptor(application, store, settings, logs);
        FIX::SessionID id("FIXT.1.1", options.at("sender"), options.at("target"));

        acceptor.poll(0.0);  // the first poll configures the session and starts listening
        emit("READY port=" + options.at("port"));

        std::string pending;
        char buffer[4096];
        bool running = true;
        while (running) {
            acceptor.poll(0.002);
            struct pollfd p = {0, POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0) continue;
            ssize_t n = ::read(0, buffer, sizeof buffer);
            if (n <= 0) break;  // stdin closed: the test is gone
            pending.append(buffer, (size_t)n);
            size_t nl;
            while (running && (nl = pending.find('\n')) != std::string::npos) {
                std::string line = pending.substr(0, nl);
                pending.erase(0, nl + 1);
                if (!line.empty()) running = runCommand(line, FIX::Session::lookupSession(id));
            }
        }
        acceptor.stop(true);
        return 0;
    } catch (const std::exception& e) {
        emit(std::string("FATAL ") + e.what());
        return 1;
    }
}
