/* wordings_fuzzer.c - the matcher of known server wordings (lib/wordings.c,
 * internal API): one scan of a text with the generated automaton, the row
 * filter and the hint readers, and the command-word reader.
 *
 * Input: TEXT [0x01 PARAMS]; PARAMS: status byte, command byte, code byte,
 * flags byte (missing bytes are 0). The status, command and code are taken
 * from the generated tables, so no list is repeated here.
 *
 * Properties: the row found exists and applies to the query's status; the
 * URL hint is a slice of the text starting with http:// or https://; the
 * command word is a slice of the command. */
#include <config.h>

#include <strings.h>

#include "fuzz.h"
#include "imaperr.h"
#include "internal.h"
#include "wordings.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size }, text = fuzz_split(&in);
    struct imaperr__wording_query q;
    struct imaperr__wording_result res;
    unsigned sb = fuzz_byte(&in), cb = fuzz_byte(&in), kb = fuzz_byte(&in), fb = fuzz_byte(&in);
    size_t ncodes = imaperr_code_count(), clen = 0;
    char *copy, *cmd;
    const char *w;

    copy = malloc(text.n ? text.n : 1);
    if (copy == NULL)
        return 0;
    if (text.n)
        memcpy(copy, text.p, text.n);

    memset(&q, 0, sizeof q);
    q.status_bit = 1u << (sb % 6);
    if (cb != 0 && imaperr__command_count > 0) {
        q.command = imaperr__commands[cb % imaperr__command_count].name;
        q.command_len = strlen(q.command);
    }
    q.code = kb == 0 || ncodes == 0 ? IMAPERR_CODE_NONE
             : kb == 1 ? IMAPERR_CODE_UNKNOWN : imaperr_code_at(kb % ncodes);
    q.code_decides = fb & 1;

    imaperr__wordings_scan(copy, text.n, &q, &res);
    if (res.row >= 0) {
        const struct imaperr__wording_row *row;
        FUZZ_CHECK((unsigned)res.row < imaperr__wording_count);
        row = &imaperr__wordings[res.row];
        FUZZ_CHECK(row->statuses & q.status_bit);
        FUZZ_CHECK(row->id != NULL);
        FUZZ_CHECK(row->confidence >= 1 && row->confidence <= 99);
    }
    if (res.url.ptr != NULL) {
        FUZZ_CHECK(res.url.ptr >= copy && res.url.ptr + res.url.len <= copy + text.n);
        FUZZ_CHECK((res.url.len > 7 && strncasecmp(res.url.ptr, "http://", 7) == 0) ||
                   (res.url.len > 8 && strncasecmp(res.url.ptr, "https://", 8) == 0));
    } else {
        FUZZ_CHECK(res.url.len == 0);
    }
    /* no text: nothing found */
    imaperr__wordings_scan(NULL, 0, &q, &res);
    FUZZ_CHECK(res.row == -1 && res.url.ptr == NULL);

    /* the text as a command string */
    cmd = malloc(text.n + 1);
    if (cmd != NULL) {
        memcpy(cmd, copy, text.n);
        cmd[text.n] = '\0';
        w = imaperr__wordings_command(cmd, &clen);
        if (w != NULL) {
            FUZZ_CHECK(w >= cmd && w + clen <= cmd + strlen(cmd));
            FUZZ_CHECK(clen > 0 && memchr(w, ' ', clen) == NULL);
        }
        (void)imaperr__command_role(cmd);
        free(cmd);
    }
    free(copy);
    return 0;
}
