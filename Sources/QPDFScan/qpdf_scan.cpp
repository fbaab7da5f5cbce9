// qpdf's C API can only decode a stream into one buffer of its full size (qpdf_oh_get_stream_data),
// which is exactly what a Flate bomb wants. This shim uses the C++ API to pipe each stream through
// qpdf's own decoders into a counting pipeline that stops once the running total passes the limit.
#include "qpdf_scan.h"

#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

struct LimitReached : std::exception {
    const char *what() const noexcept override { return "decoded size limit reached"; }
};

// Counts what the decoders produce and throws past the limit: decoding stops mid-stream.
class QPDF_DLL_CLASS Counter : public Pipeline {
  public:
    Counter(uint64_t limit) : Pipeline("counter", nullptr), limit(limit) {}
    void write(unsigned char const *, size_t len) override {
        total += len;
        if (total > limit) {
            over = true;
            throw LimitReached();
        }
    }
    void finish() override {}
    uint64_t limit, total = 0;
    bool over = false;
};

struct Scanner {
    const std::vector<std::string> &names;
    uint64_t found = 0;

    void name(const std::string &n) {
        for (size_t i = 0; i < names.size(); i++)
            if (names[i] == n) found |= uint64_t(1) << i;
    }
    // Direct objects nested in `oh`; indirect ones are visited from the xref table.
    void walk(QPDFObjectHandle oh, int depth) {
        if (depth > 600) throw std::runtime_error("objects nested too deeply");
        if (oh.isName()) {
            name(oh.getName());
        } else if (oh.isArray()) {
            for (auto &item : oh.getArrayAsVector())
                if (!item.isIndirect()) walk(item, depth + 1);
        } else if (oh.isDictionary() || oh.isStream()) {
            QPDFObjectHandle dict = oh.isStream() ? oh.getDict() : oh;
            for (auto &key : dict.getKeys()) {
                name(key);
                QPDFObjectHandle value = dict.getKey(key);
                if (!value.isIndirect()) walk(value, depth + 1);
            }
        }
    }
};

void copy_error(qpdf_scan_report *report, const char *message) {
    std::strncpy(report->error, message, sizeof(report->error) - 1);
    report->error[sizeof(report->error) - 1] = 0;
}

} // namespace

extern "C" int qpdf_scan(const unsigned char *data, size_t length, const char *const *names, size_t name_count,
                         uint64_t decoded_limit, qpdf_scan_report *report) {
    std::memset(report, 0, sizeof(*report));
    std::vector<std::string> wanted;
    for (size_t i = 0; i < name_count && i < 64; i++) wanted.emplace_back(names[i]);
    Scanner scanner{wanted};
    Counter counter(decoded_limit);
    QPDF pdf;
    try {
        pdf.setSuppressWarnings(true);
        pdf.setAttemptRecovery(false);
        pdf.processMemoryFile("upload", reinterpret_cast<char const *>(data), length);
        report->encrypted = pdf.isEncrypted();
        scanner.walk(pdf.getTrailer(), 0);
        pdf.getRoot();
        pdf.getAllPages();
        for (auto &oh : pdf.getAllObjects()) {
            scanner.walk(oh, 0);
            if (oh.isStream() && !counter.over) {
                // Generic filters and RunLength; images (DCT, JBIG2, JPX) stay encoded.
                oh.pipeStreamData(&counter, 0, qpdf_dl_specialized, false, false);
            }
        }
        report->parsed = 1;
    } catch (QPDFExc &e) {
        report->needs_password = e.getErrorCode() == qpdf_e_password;
        copy_error(report, e.what());
    } catch (LimitReached &) {
        report->parsed = 1;
    } catch (std::exception &e) {
        copy_error(report, e.what());
    } catch (...) {
        copy_error(report, "unknown error");
    }
    report->found_mask = scanner.found;
    report->decoded_bytes = counter.total;
    report->decoded_over_limit = counter.over;
    report->warnings = pdf.numWarnings();
    return 0;
}
