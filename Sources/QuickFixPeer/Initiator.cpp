// QuickFixPeer initiator mode: QuickFIX C++ as a Kalshi *client*, timing NewOrderSingle → New
// ExecutionReport against a Kalshi gateway (the in-process KalshiSim in `Bench roundtrip`), so our
// engine's round trip can be compared with the reference implementation's on the same acceptor.
//
// Usage (every option is key=value; the first argument selects this mode):
//   QuickFixPeer mode=initiator host=<ip> port=<n> sender=<API key id> key=<private key PEM>
//                dictionary=<spec/fix-dictionary-1.03.xml> symbol=<market ticker>
//                [ca=<CA PEM: TLS via SSLSocketInitiator; absent: plaintext SocketInitiator>]
//                [target=KalshiNR] [count=1000] [warmup=100] [resting=100] [verbose=N]
//
// The session: FIXT.1.1, DefaultApplVerID FIX.5.0SP2, HeartBtInt 30, ResetOnLogon=Y (141=Y,
// required on KalshiNR), MemoryStore, our dictionary as transport and application dictionary
// with QuickFIX's default (strict) validation. The Logon carries Kalshi's RSA-PSS signature
// (toAdmin) and SkipPendingExecReports 21011=Y, as our `roundtrip.*` rows use, so the ack is the
// New report.
//
// Loop (single-threaded: the initiator is polled from main, fromApp sends the next order):
// one NewOrderSingle in flight (11 unique, 38=1, 40=2, 44=1, 54=1, 55=<symbol>, 59=1); the next
// goes when the previous one's ER 150=0 arrives in fromApp. Send → ack is timed with
// CLOCK_MONOTONIC after `warmup` orders. Whenever `resting` orders rest, an untimed
// OrderMassCancelRequest (35=q, 530=6) and a wait for its 35=r and every Canceled report.
//
// Output (stdout): `SAMPLES <n>`, the n nanosecond samples one per line, `DONE`; exit 0.
// Failure: `ERROR <text>` and exit 1. verbose=Y prints every message and event on stderr.

#include <quickfix/Application.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/NullStore.h>
#include <quickfix/SSLSocketInitiator.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <time.h>

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

uint64_t monotonicNanos() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

std::string printable(const std::string& raw) {
    std::string out = raw;
    for (auto& c : out) if (c == '\x01') c = '|';
    return out;
}

class StderrLog : public FIX::Log {
public:
    explicit StderrLog(bool messages) : messages_(messages) {}
    void clear() override {}
    void backup() override {}
    void onIncoming(const std::string& s) override { if (messages_) std::fprintf(stderr, "IN %s\n", printable(s).c_str()); }
    void onOutgoing(const std::string& s) override { if (messages_) std::fprintf(stderr, "OUT %s\n", printable(s).c_str()); }
    void onEvent(const std::string& s) override { if (messages_) std::fprintf(stderr, "LOG %s\n", s.c_str()); }
private:
    bool messages_;
};

class StderrLogFactory : public FIX::LogFactory {
public:
    explicit StderrLogFactory(bool messages) : messages_(messages) {}
    FIX::Log* create() override { return new StderrLog(messages_); }
    FIX::Log* create(const FIX::SessionID&) override { return new StderrLog(messages_); }
    void destroy(FIX::Log* log) override { delete log; }
private:
    bool messages_;
};

/// Kalshi's logon signature: RSA-PSS, SHA-256, MGF1-SHA-256, salt 32, standard base64.
class Signer {
public:
    explicit Signer(const std::string& path) {
        FILE* f = std::fopen(path.c_str(), "r");
        if (!f) throw std::runtime_error("cannot open private key " + path);
        key_ = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        if (!key_) throw std::runtime_error("no PEM private key in " + path);
    }
    ~Signer() { EVP_PKEY_free(key_); }

    std::string signBase64(const std::string& text) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        size_t length = 0;
        std::vector<unsigned char> sig;
        bool ok = EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key_) == 1 &&
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
                  EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
        if (ok) {
            sig.resize(length);
            ok = EVP_DigestSign(ctx, sig.data(), &length, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
            sig.resize(length);
        }
        EVP_MD_CTX_free(ctx);
        if (!ok) throw std::runtime_error("RSA-PSS signing failed");
        std::string out(4 * ((sig.size() + 2) / 3) + 1, '\0');
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), sig.data(), (int)sig.size());
        out.resize((size_t)n);
        return out;
    }

private:
    EVP_PKEY* key_ = nullptr;
};

class Client : public FIX::Application {
public:
    Client(const Signer& signer, std::string symbol, int count, int warmup, int resting)
        : signer_(signer), symbol_(std::move(symbol)), count_(count), warmup_(warmup), restingLimit_(resting) {
        samples.reserve((size_t)count);
    }

    std::vector<uint64_t> samples;
    bool finished = false;
    bool loggedOut = false;
    std::string failure;

    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID& id) override {
        id_ = id;
        if (!started_) {
            started_ = true;
            sendNext();
        }
    }
    void onLogout(const FIX::SessionID&) override {
        loggedOut = true;
        if (!finished) fail("logged out after " + std::to_string(completed_) + " orders" + (logoutText_.empty() ? "" : ": " + logoutText_));
    }

    void toAdmin(FIX::Message& message, const FIX::SessionID&) override {
        FIX::Header& h = message.getHeader();
        if (h.getField(35) != "A") return;
        // QuickFIX's Session::sendRaw fills 49/56/34/52 before toAdmin; set 52 ourselves only if not.
        if (!h.isSetField(52)) h.setField(FIX::SendingTime(FIX::UtcTimeStamp(), 3));
        std::string preHash = h.getField(52) + '\x01' + "A" + '\x01' + h.getField(34) + '\x01' + h.getField(49) + '\x01' + h.getField(56);
        std::string signature = signer_.signBase64(preHash);
        message.setField(95, std::to_string(signature.size()));
        message.setField(96, signature);
        message.setField(21011, "Y");  // SkipPendingExecReports, as our roundtrip rows
    }

    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}

    void fromAdmin(const FIX::Message& message, const FIX::SessionID&)
        throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
        const std::string type = message.getHeader().getField(35);
        if (type == "5" && message.isSetField(58)) logoutText_ = message.getField(58);
        if (type == "3") fail("session Reject: " + printable(message.toString()));
    }

    void fromApp(const FIX::Message& message, const FIX::SessionID&)
        throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
        uint64_t now = monotonicNanos();
        if (finished) return;
        const std::string type = message.getHeader().getField(35);
        if (type == "8") {
            const std::string execType = message.getField(150);
            if (draining_) {
                if (execType == "4") resting_--;
            } else if (execType == "0" && message.getField(11) == inFlight_) {
                if (completed_ >= warmup_) samples.push_back(now - sentAt_);
                completed_++;
                resting_++;
                if (completed_ == warmup_ + count_) { finished = true; return; }
                sendNext();
                return;
            } else if (execType == "8") {
                fail("order rejected: " + printable(message.toString()));
                return;
            }
        } else if (type == "r") {
            if (message.getField(531) != "6") { fail("mass cancel rejected: " + printable(message.toString())); return; }
            massCancelReported_ = true;
        } else if (type == "9" || type == "j") {
            fail("rejected: " + printable(message.toString()));
            return;
        }
        if (draining_ && massCancelReported_ && resting_ <= 0) {
            draining_ = false;
            resting_ = 0;
            sendNext();
        }
    }

private:
    void sendNext() {
        if (resting_ >= restingLimit_) {
            draining_ = true;
            massCancelReported_ = false;
            FIX::Message q;
            q.getHeader().setField(35, "q");
            q.setField(11, "qfmc-" + std::to_string(++sequence_));
            q.setField(530, "6");
            if (!FIX::Session::sendToTarget(q, id_)) fail("cannot send mass cancel");
            return;
        }
        FIX::Message d;
        d.getHeader().setField(35, "D");
        inFlight_ = "qf-" + std::to_string(++sequence_);
        d.setField(11, inFlight_);
        d.setField(38, "1");
        d.setField(40, "2");
        d.setField(44, "1");
        d.setField(54, "1");
        d.setField(55, symbol_);
        d.setField(59, "1");
        sentAt_ = monotonicNanos();
        if (!FIX::Session::sendToTarget(d, id_)) fail("cannot send NewOrderSingle");
    }

    void fail(const std::string& why) {
        if (finished) return;
        finished = true;
        failure = why;
    }

    const Signer& signer_;
    std::string symbol_;
    int count_, warmup_, restingLimit_;
    FIX::SessionID id_;
    bool started_ = false;
    bool draining_ = false;
    bool massCancelReported_ = false;
    int completed_ = 0;
    int resting_ = 0;
    uint64_t sequence_ = 0;
    uint64_t sentAt_ = 0;
    std::string inFlight_;
    std::string logoutText_;
};

}  // namespace

int runInitiator(int argc, char** argv) {
    try {
        std::map<std::string, std::string> o;
        for (int i = 1; i < argc; i++) {
            std::string a = argv[i];
            auto eq = a.find('=');
            if (eq == std::string::npos) throw std::runtime_error("argument without '=': " + a);
            o[a.substr(0, eq)] = a.substr(eq + 1);
        }
        for (const char* required : {"host", "port", "sender", "key", "dictionary", "symbol"})
            if (!o.count(required)) throw std::runtime_error(std::string("missing option ") + required);
        auto option = [&](const char* name, const char* fallback) { return o.count(name) ? o[name] : std::string(fallback); };
        const bool tls = o.count("ca") > 0;
        const std::string target = option("target", "KalshiNR");

        std::ostringstream s;
        s << "[DEFAULT]\n"
          << "ConnectionType=initiator\n"
          << "SocketConnectHost=" << o["host"] << "\n"
          << "SocketConnectPort=" << o["port"] << "\n"
          << "SocketNodelay=Y\n"
          << "ReconnectInterval=1\n"
          << "HeartBtInt=30\n"
          << "StartTime=00:00:00\nEndTime=00:00:00\n"
          << "UseDataDictionary=Y\n"
          << "TransportDataDictionary=" << o["dictionary"] << "\n"
          << "AppDataDictionary=" << o["dictionary"] << "\n"
          << "DefaultApplVerID=FIX.5.0SP2\n"
          << "ValidateFieldsOutOfOrder=Y\nValidateFieldsHaveValues=Y\nValidateUserDefinedFields=Y\n"
          << "ValidateLengthAndChecksum=Y\nAllowUnknownMsgFields=N\nRequiresOrigSendingTime=Y\n"
          << "CheckLatency=Y\nMaxLatency=30\n"
          << "ResetOnLogon=Y\nResetOnLogout=Y\nResetOnDisconnect=Y\n"
          << "PersistMessages=N\n";
        if (tls) {
            s << "CertificationAuthoritiesFile=" << o["ca"] << "\n"
              << "CertificateVerifyLevel=1\n"
              << "SSLProtocol=all -SSLv2 -SSLv3\n";
        }
        s << "\n[SESSION]\n"
          << "BeginString=FIXT.1.1\n"
          << "SenderCompID=" << o["sender"] << "\n"
          << "TargetCompID=" << target << "\n";
        std::istringstream settingsText(s.str());
        FIX::SessionSettings settings(settingsText);

        Signer signer(o["key"]);
        Client client(signer, o["symbol"], std::stoi(option("count", "1000")), std::stoi(option("warmup", "100")),
                      std::stoi(option("resting", "100")));
        FIX::NullStoreFactory store;
        StderrLogFactory logs(option("verbose", "N") == "Y");
        std::unique_ptr<FIX::Initiator> initiator;
        if (tls) initiator.reset(new FIX::SSLSocketInitiator(client, store, settings, logs));
        else initiator.reset(new FIX::SocketInitiator(client, store, settings, logs));
        FIX::SessionID id("FIXT.1.1", o["sender"], target);

        const uint64_t deadline = monotonicNanos() + 300ull * 1000000000ull;
        while (!client.finished) {
            initiator->poll(1.0);
            if (monotonicNanos() > deadline) { client.failure = "timed out"; break; }
        }
        if (FIX::Session* session = FIX::Session::lookupSession(id)) {
            if (session->isLoggedOn()) {
                session->logout();
                const uint64_t logoutDeadline = monotonicNanos() + 3000000000ull;
                while (!client.loggedOut && monotonicNanos() < logoutDeadline) initiator->poll(0.1);
            }
        }
        initiator->stop(true);
        if (!client.failure.empty()) {
            std::printf("ERROR %s\n", client.failure.c_str());
            return 1;
        }
        std::string out = "SAMPLES " + std::to_string(client.samples.size()) + "\n";
        for (uint64_t v : client.samples) out += std::to_string(v) + "\n";
        out += "DONE\n";
        std::fputs(out.c_str(), stdout);
        std::fflush(stdout);
        return 0;
    } catch (const std::exception& e) {
        std::printf("ERROR %s\n", e.what());
        return 1;
    }
}
