/* scan_fuzzer.c - the session-log scanner of the imaperr tool (`imaperr
 * scan`): client lines "C: tag COMMAND ...", server lines "S: ..." paired
 * by tag, each server line parsed, classified and explained (text and
 * JSON output).
 *
 * The scanner is static in tools/imaperr.c, so this target includes that
 * file (its main() renamed) and calls scan_stream() on the input through
 * fmemopen(). The tool's output goes to /dev/null: `stdout` is redefined
 * for the included file only.
 *
 * Input: one option byte (bit 0: --json, bit 1: --all, bit 2:
 * --no-heuristics, the rest: the --lang language), then the log. */
#include <config.h>

#include <stdio.h>

#include "fuzz.h"
#include "i18n.h"

static FILE *fuzz_scan_sink;
int imaperr_tool_main(int argc, char **argv);

#undef stdout
#define stdout fuzz_scan_sink
#define main imaperr_tool_main
#include "../tools/imaperr.c"
#undef main
#undef stdout

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct opts o = { NULL, NULL, 0, 0, "en", 0 };
    struct scratch s;
    unsigned long total = 0, attention = 0;
    unsigned opt;
    FILE *in;

    if (size < 2)
        return 0;
    if (fuzz_scan_sink == NULL) {
        fuzz_scan_sink = fopen("/dev/null", "w");
        if (fuzz_scan_sink == NULL)
            return 0;
    }
    opt = data[0];
    o.json = opt & 1;
    o.all = (opt >> 1) & 1;
    classify_options = opt & 4 ? IMAPERR_CLASSIFY_NO_HEURISTICS : 0;
    o.lang = imaperr__lang_name((opt >> 3) % imaperr__lang_count());
    negotiate(&o);
    memset(&s, 0, sizeof s);
    in = fmemopen((void *)(data + 1), size - 1, "r");
    if (in == NULL)
        return 0;
    FUZZ_CHECK(scan_stream(in, "fuzz", &o, &s, &total, &attention) == 0);
    FUZZ_CHECK(attention <= total);
    fclose(in);
    free_scratch(&s);
    fflush(fuzz_scan_sink);
    return 0;
}
