# gen-wordings.awk - compile lib/wordings.tsv (known server wordings) into
# one matcher: lib/wordings-data.c.
#
# Usage: awk -f gen-wordings.awk \
#            vocabulary.tsv messages.tsv registry.tsv wordings.tsv > wordings-data.c
#
# The four files must be given in this order: the first three only supply
# the names a wording row may use (categories, actions, commands, message
# keys, response codes).
#
# What comes out: the rows as a table, and an Aho-Corasick automaton over
# case-folded ASCII that finds every pattern (wording rows and hint keys)
# in one pass over a response text. Bytes are first mapped to a small set
# of classes (letters of both cases share one; space and tab share one;
# every byte no pattern uses is class 0, which leads back to the start).
# The failure links are folded into a full transition table (states x
# classes), so lib/wordings.c does one table step per byte; each state also
# names the first state whose pattern ends there (itself or along its
# dictionary links), so matches cost nothing when there are none.
#
# Any inconsistency (unknown name, duplicate ID, bad pattern, wrong column
# count, ...) stops the build with a message naming file and line.
# POSIX awk only (mawk and gawk both run it).

BEGIN {
    FS = "\t"
    nfam = 0; nrow = 0; nhint = 0; npat = 0; version = ""
    ncodes_seen = 0
    for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i
    status_bit["OK"] = 1; status_bit["NO"] = 2; status_bit["BAD"] = 4
    status_bit["BYE"] = 8; status_bit["PREAUTH"] = 16; status_bit["CONT"] = 32
    MAXLEN = 100
}

function die(msg) {
    printf("gen-wordings.awk: %s:%d: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
    failed = 1
    exit 1
}

function cstr(s) {
    gsub(/\\/, "&&", s)
    gsub(/"/, "\\\"", s)
    gsub(/\?\?/, "?\\?", s)      # no trigraphs
    return "\"" s "\""
}

function ident(s) {
    s = toupper(s)
    gsub(/-/, "_", s)
    return s
}

function is_alnum(ch) {
    return ch ~ /^[A-Za-z0-9]$/
}

/^#/ || /^[ \t]*$/ { next }

# ---- vocabulary.tsv: categories, actions, commands --------------------------
FILENAME ~ /vocabulary\.tsv$/ {
    if ($1 == "category") cat_ok[$3] = 1
    else if ($1 == "action") act_ok[$3] = 1
    else if ($1 == "command") cmd_ok[$2] = 1
    next
}

# ---- messages.tsv: message keys -------------------------------------------
# Numbered in file order, as lib/gen-registry.awk numbers them
# (imaperr__message_keys[]); tests/test-wordings checks every row's key.
FILENAME ~ /messages\.tsv$/ {
    msg_ok[$1] = nmsgs++
    next
}

# ---- registry.tsv: code names ---------------------------------------------
FILENAME ~ /registry\.tsv$/ {
    if ($4 != "pseudo" && $2 ~ /^[A-Z][A-Z0-9-]*$/) code_ok[$2] = 1
    next
}

# ---- wordings.tsv ---------------------------------------------------------
# Check a pattern column; sets pat_frag, pat_flags (1 anchor, 2 left
# boundary, 4 right boundary).
function read_pattern(p,    anchored, prefix, f) {
    anchored = 0; prefix = 0
    if (substr(p, 1, 1) == "^") { anchored = 1; p = substr(p, 2) }
    if (substr(p, length(p), 1) == "*") { prefix = 1; p = substr(p, 1, length(p) - 1) }
    if (length(p) < 3 || length(p) > MAXLEN) die("PATTERN must have 3 to " MAXLEN " characters: " p)
    if (p !~ /^[ -~]+$/) die("PATTERN must be printable ASCII: " p)
    if (p != tolower(p)) die("PATTERN must be lower case: " p)
    if (p ~ /^ / || p ~ / $/ || p ~ /  /) die("PATTERN must not start or end with a space or hold two in a row: " p)
    if (index(p, "^") || index(p, "*")) die("'^' and '*' are allowed only at the start and the end of a PATTERN: " p)
    f = anchored ? 1 : 0
    if (is_alnum(substr(p, 1, 1))) f += 2
    if (!prefix && is_alnum(substr(p, length(p), 1))) f += 4
    if (prefix && !is_alnum(substr(p, length(p), 1))) die("'*' only after a letter or digit: " p)
    pat_frag = p
    pat_flags = f
}

# Register a fragment; returns its pattern index.
function add_pattern(frag, flags, kind,    k) {
    if (frag in pat_index) {
        k = pat_index[frag]
        if (pat_flags_of[k] != flags) die("the fragment '" frag "' is used with different '^'/'*' marks")
        if (pat_kind[k] != kind || kind != "ROWS") die("the fragment '" frag "' is used twice by hints or by a hint and a wording")
        return k
    }
    k = npat++
    pat_index[frag] = k
    pat_text[k] = frag
    pat_flags_of[k] = flags
    pat_kind[k] = kind
    pat_nrows[k] = 0
    return k
}

function check_id(id) {
    if (id !~ /^[a-z][a-z0-9-]*$/) die("ID must be a lower-case word with dashes: " id)
    if (id in id_seen) die("duplicate ID " id)
    id_seen[id] = 1
}

FILENAME ~ /wordings\.tsv$/ {
    if ($1 == "version") {
        if (NF != 2 || $2 !~ /^[1-9][0-9]*$/ || length($2) > 9) die("version rows have 2 columns: version and a positive number")
        if (version != "") die("more than one version row")
        version = $2
    } else if ($1 == "family") {
        if (NF != 3) die("family rows have 3 columns")
        if ($2 !~ /^[a-z][a-z0-9-]*$/) die("family names are lower-case words with dashes")
        if ($2 in fam_num) die("duplicate family " $2)
        if ($3 == "" || $3 == "-") die("family " $2 " needs a description")
        fam_num[$2] = nfam
        fam_name[nfam++] = $2
    } else if ($1 == "hint") {
        if (NF != 6) die("hint rows have 6 columns, this one has " NF)
        check_id($2)
        if ($3 == "backoff") kind = "BACKOFF"
        else if ($3 == "connection-limit") kind = "CONNLIMIT"
        else if ($3 == "url") kind = "URL"
        else die("hint KIND must be backoff, connection-limit or url")
        read_pattern($4)
        if (pat_flags % 2) die("hint patterns cannot be anchored")
        if (kind == "URL" && pat_frag !~ /^https?:\/\/$/) die("url hints are http:// and https:// only")
        if ($5 == "" || $5 == "-") die("EXAMPLE is required")
        if ($6 == "" || $6 == "-") die("EVIDENCE is required")
        add_pattern(pat_frag, pat_flags, kind)
        nhint++
    } else if ($1 == "wording") {
        if (NF != 14) die("wording rows have 14 columns, this one has " NF)
        r = nrow
        check_id($2)
        row_id[r] = $2
        if (!($3 in fam_num)) die("unknown FAMILY " $3 " (declare it in a family row first)")
        row_fam[r] = $3
        # STATUS
        n = split($4, t, ",")
        bits = 0; okish = 0; other = 0
        for (i = 1; i <= n; i++) {
            if (!(t[i] in status_bit)) die("unknown STATUS " t[i])
            b = status_bit[t[i]]
            if (int(bits / b) % 2) die("STATUS " t[i] " twice")
            bits += b
            if (t[i] == "OK" || t[i] == "PREAUTH") okish = 1
            else other = 1
        }
        if (n == 0) die("STATUS is empty")
        if (okish && other) die("a row is for OK/PREAUTH or for failures, not both")
        row_status[r] = bits
        # COMMANDS
        row_any[r] = 0; row_unknown[r] = 0; row_cmds[r] = ""
        if ($5 == "*") {
            row_any[r] = 1
        } else {
            n = split($5, t, ",")
            if (n == 0) die("COMMANDS is empty")
            for (i = 1; i <= n; i++) {
                if (t[i] == "?") { row_unknown[r] = 1; continue }
                if (!(t[i] in cmd_ok)) die("unknown command " t[i] " (not in lib/vocabulary.tsv)")
                if (index("," row_cmds[r] ",", "," t[i] ",")) die("command " t[i] " twice")
                row_cmds[r] = row_cmds[r] (row_cmds[r] == "" ? "" : ",") t[i]
            }
        }
        # CODES
        n = split($6, t, ",")
        if (n == 0) die("CODES is empty")
        row_nocode[r] = 0; row_codes[r] = ""
        for (i = 1; i <= n; i++) {
            if (t[i] == "-") {
                if (row_nocode[r]) die("'-' twice in CODES")
                row_nocode[r] = 1
                continue
            }
            if (!(t[i] in code_ok)) die("unknown code " t[i] " (not in lib/registry.tsv)")
            if (index(" " row_codes[r] " ", " " t[i] " ")) die("code " t[i] " twice")
            row_codes[r] = row_codes[r] (row_codes[r] == "" ? "" : " ") t[i]
        }
        # PATTERN
        read_pattern($7)
        row_pat[r] = add_pattern(pat_frag, pat_flags, "ROWS")
        # CATEGORY ACTION MSG FLAGS CONF
        if (!($8 in cat_ok)) die("unknown CATEGORY " $8)
        if ($8 == "ok") die("CATEGORY ok is not allowed: wordings explain problems")
        if (!($9 in act_ok)) die("unknown ACTION " $9)
        if (okish && $9 != "none") die("rows for OK/PREAUTH take action none (the command worked)")
        if (!okish && $9 == "none") die("rows for failures need an action other than none")
        row_cat[r] = $8; row_act[r] = $9
        if ($10 != "-" && !($10 in msg_ok)) die("unknown MSG key " $10)
        row_msg[r] = $10
        if ($11 != "-" && $11 != "show") die("FLAGS must be 'show' or '-'")
        row_show[r] = ($11 == "show")
        if ($12 !~ /^[1-9][0-9]?$/) die("CONF must be a number from 1 to 99 (100 is for registered codes)")
        row_conf[r] = $12 + 0
        if ($13 == "" || $13 == "-") die("EXAMPLE is required")
        if ($14 == "" || $14 == "-") die("EVIDENCE is required")
        nrow++
    } else {
        die("unknown row type " $1)
    }
    next
}

{ die("unexpected input file (give vocabulary.tsv messages.tsv registry.tsv wordings.tsv)") }

# ---- the automaton ----------------------------------------------------------
function build(    p, i, ch, c, s, t, k, head, tail, q, list, m, f, cls, ncl, sorted, j, tmp) {
    # byte classes: 0 other, 1 space/tab, then every other character in
    # ASCII order (a letter stands for both cases)
    for (p = 0; p < npat; p++)
        for (i = 1; i <= length(pat_text[p]); i++) {
            ch = substr(pat_text[p], i, 1)
            if (ch != " ") used[ord[ch]] = 1
        }
    nclass = 2
    for (i = 32; i < 127; i++)
        if (i in used) { cls_of[i] = nclass++ }
    if (nclass > 255) die("too many byte classes")
    for (i = 0; i < 256; i++) byte_class[i] = 0
    byte_class[32] = 1; byte_class[9] = 1
    for (i = 33; i < 127; i++) {
        if (i in cls_of) byte_class[i] = cls_of[i]
    }
    for (i = 65; i <= 90; i++) if ((i + 32) in cls_of) byte_class[i] = cls_of[i + 32]

    # trie
    nstate = 1
    state_pat[0] = -1
    for (p = 0; p < npat; p++) {
        s = 0
        for (i = 1; i <= length(pat_text[p]); i++) {
            ch = substr(pat_text[p], i, 1)
            c = (ch == " ") ? 1 : cls_of[ord[ch]]
            if ((s, c) in child) {
                s = child[s, c]
            } else {
                t = nstate++
                child[s, c] = t
                kids[s] = kids[s] " " c
                state_pat[t] = -1
                depth[t] = depth[s] + 1
                s = t
            }
        }
        state_pat[s] = p
    }
    if (nstate >= 65535) die("too many automaton states")

    # failure and dictionary links, breadth first
    head = 0; tail = 0
    fail[0] = 0; dict[0] = 0
    m = split(kids[0], list, " ")
    for (k = 1; k <= m; k++) {
        t = child[0, list[k]]
        fail[t] = 0; dict[t] = 0
        q[tail++] = t
    }
    while (head < tail) {
        s = q[head++]
        m = split(kids[s], list, " ")
        for (k = 1; k <= m; k++) {
            c = list[k]
            t = child[s, c]
            f = fail[s]
            while (f != 0 && !((f, c) in child)) f = fail[f]
            if ((f, c) in child) fail[t] = child[f, c]
            else fail[t] = 0
            dict[t] = (state_pat[fail[t]] >= 0) ? fail[t] : dict[fail[t]]
            q[tail++] = t
        }
    }
    # the full transition function: delta(s, c) = child(s, c), else
    # delta(fail(s), c); failure states are shallower, so breadth-first
    # order has them ready
    for (c = 0; c < nclass; c++) delta[0, c] = ((0, c) in child) ? child[0, c] : 0
    for (k = 0; k < tail; k++) {
        s = q[k]
        for (c = 0; c < nclass; c++)
            delta[s, c] = ((s, c) in child) ? child[s, c] : delta[fail[s], c]
    }
    for (s = 0; s < nstate; s++) out_state[s] = (state_pat[s] >= 0) ? s : dict[s]
}

function emit(    i, j, k, m, s, list, first, p, r, c, line, nrows_total, cidx) {
    print "/* wordings-data.c - GENERATED by lib/gen-wordings.awk from lib/wordings.tsv."
    print " * Do not edit: edit the table and rebuild. */"
    print "#include <config.h>"
    print ""
    print "#include \"internal.h\""
    print "#include \"wordings.h\""
    print ""
    printf("const unsigned imaperr__wordings_version = %d;\n", version)
    printf("const unsigned imaperr__wording_count = %d;\n", nrow)
    printf("const unsigned imaperr__wc_nstates = %d;\n\n", nstate)

    print "/* byte -> class (0: no pattern uses it; 1: space or tab) */"
    printf("const unsigned char imaperr__wc_class[256] = {")
    for (i = 0; i < 256; i++)
        printf("%s%d%s", (i % 16 == 0) ? "\n    " : " ", byte_class[i], (i < 255) ? "," : "")
    print "\n};"
    printf("const unsigned imaperr__wc_nclasses = %d;\n\n", nclass)

    print "/* states: { dictionary link, pattern or 0xFFFF } */"
    printf("const struct imaperr__wc_state imaperr__wc_states[%d] = {\n", nstate)
    line = "   "
    for (s = 0; s < nstate; s++) {
        line = line sprintf(" { %d, %d },", dict[s], state_pat[s] >= 0 ? state_pat[s] : 65535)
        if (length(line) > 90) { print line; line = "   " }
    }
    if (line != "   ") print line
    print "};\n"

    # each entry is the next state's row offset (state x nclasses), so that
    # the scan needs no multiplication per byte, plus IMAPERR__WC_MATCH
    # when a pattern ends in that state (no second lookup per byte)
    if (nstate * nclass >= 2147483648) die("automaton too large")
    print "/* the transition function, nstates x nclasses, row by row: next state x nclasses,"
    print " * + IMAPERR__WC_MATCH (2^31) when a pattern ends there */"
    printf("const uint32_t imaperr__wc_delta[%d] = {\n", nstate * nclass)
    for (s = 0; s < nstate; s++) {
        line = "   "
        for (c = 0; c < nclass; c++) {
            line = line sprintf(" %.0f,", delta[s, c] * nclass + (out_state[delta[s, c]] != 0 ? 2147483648 : 0))
            if (length(line) > 100) { print line; line = "   " }
        }
        if (line != "   ") print line
    }
    print "};\n"
    print "/* per state: the state whose pattern to report first (itself or its dictionary link), 0: none */"
    printf("const unsigned short imaperr__wc_out[%d] = {", nstate)
    for (s = 0; s < nstate; s++) printf("%s%d%s", (s % 16 == 0) ? "\n    " : " ", out_state[s], s < nstate - 1 ? "," : "")
    print "\n};\n"

    # rows of each pattern, in file order
    nrows_total = 0
    for (p = 0; p < npat; p++) {
        pat_first[p] = nrows_total
        for (r = 0; r < nrow; r++)
            if (row_pat[r] == p) { prow[nrows_total++] = r; pat_nrows[p]++ }
    }
    print "/* wording rows of each pattern, in table order */"
    printf("const unsigned short imaperr__wc_pattern_rows[%d] = {", nrows_total > 0 ? nrows_total : 1)
    for (i = 0; i < nrows_total; i++) printf("%s%d%s", (i % 16 == 0) ? "\n    " : " ", prow[i], i < nrows_total - 1 ? "," : "")
    if (nrows_total == 0) printf("0")
    print "\n};\n"

    print "/* patterns: { length, flags, kind, first row, number of rows } */"
    printf("const struct imaperr__wc_pattern imaperr__wc_patterns[%d] = {\n", npat)
    for (p = 0; p < npat; p++)
        printf("    { %d, %d, IMAPERR__WK_%s, %d, %d }, /* %s */\n", length(pat_text[p]), pat_flags_of[p],
               pat_kind[p], pat_first[p], pat_nrows[p], cstr(pat_text[p]))
    print "};\n"

    # code lists
    for (r = 0; r < nrow; r++) {
        if (row_codes[r] == "") continue
        m = split(row_codes[r], list, " ")
        printf("static const unsigned short codes_%d[] = {", r)
        for (i = 1; i <= m; i++) printf(" IMAPERR_CODE_%s,", ident(list[i]))
        print " IMAPERR_CODE_NONE };"
    }
    print ""
    print "const struct imaperr__wording_row imaperr__wordings[] = {"
    for (r = 0; r < nrow; r++) {
        printf("    { %s, %s, %d, %d, %d, %d, %s, %s,\n", cstr(row_id[r]), cstr(row_fam[r]), row_status[r],
               row_any[r], row_unknown[r], row_nocode[r], row_cmds[r] == "" ? "NULL" : cstr(row_cmds[r]),
               row_codes[r] == "" ? "NULL" : "codes_" r)
        printf("      IMAPERR_CAT_%s, IMAPERR_ACT_%s, %d, %s, %d, %d },\n", ident(row_cat[r]), ident(row_act[r]),
               row_msg[r] == "-" ? -1 : msg_ok[row_msg[r]], row_msg[r] == "-" ? "NULL" : cstr(row_msg[r]),
               row_show[r], row_conf[r])
    }
    print "};"
}

END {
    if (failed) exit 1
    if (version == "") { print "gen-wordings.awk: wordings.tsv has no version row" > "/dev/stderr"; exit 1 }
    if (nrow == 0) { print "gen-wordings.awk: wordings.tsv has no wording rows" > "/dev/stderr"; exit 1 }
    build()
    if (failed) exit 1
    emit()
}
