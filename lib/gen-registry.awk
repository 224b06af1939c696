# gen-registry.awk - generate code from lib/registry.tsv (the single source of
# truth for response codes), lib/vocabulary.tsv and lib/messages.tsv.
#
# Usage: awk -v out=header|data|doc -f gen-registry.awk \
#            vocabulary.tsv messages.tsv registry.tsv > OUTPUT
#
# The three files must be given in this order. Any inconsistency (an unknown
# category, action, argument type or message key; a duplicate number or name;
# a wrong column count) stops the build with a message naming file and line.

BEGIN {
    FS = "\t"
    if (out != "header" && out != "data" && out != "doc")
        die("set -v out=header|data|doc")
    ncat = 0; nact = 0; narg = 0; ncmd = 0; nmsg = 0; ncode = 0; nfield = 0
}

function die(msg) {
    printf("gen-registry.awk: %s:%d: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
    failed = 1
    exit 1
}

function cstr(s) {
    gsub(/\\/, "&&", s)
    gsub(/"/, "\\\"", s)
    return "\"" s "\""
}

function ident(s) {
    s = toupper(s)
    gsub(/-/, "_", s)
    return s
}

/^#/ || /^[ \t]*$/ { next }

# ---- vocabulary.tsv -------------------------------------------------------
FILENAME ~ /vocabulary\.tsv$/ {
    if ($1 == "category") {
        if (NF != 5) die("category rows have 5 columns")
        if ($2 != ncat) die("category numbers must be 0,1,2,... in order")
        cat_name[ncat] = $3
        cat_msg[ncat] = $4
        cat_desc[ncat] = $5
        if ($3 in cat_num) die("duplicate category " $3)
        cat_num[$3] = ncat
        ncat++
    } else if ($1 == "action") {
        if (NF != 5) die("action rows have 5 columns")
        if ($2 != nact) die("action numbers must be 0,1,2,... in order")
        if ($4 != "yes" && $4 != "no") die("RETRYABLE must be yes or no")
        act_name[nact] = $3
        act_retry[nact] = ($4 == "yes")
        act_desc[nact] = $5
        if ($3 in act_num) die("duplicate action " $3)
        act_num[$3] = nact
        nact++
    } else if ($1 == "argtype") {
        if (NF != 6) die("argtype rows have 6 columns")
        if ($3 != "none" && $3 != "required" && $3 != "optional") die("bad PRESENCE " $3)
        if ($4 !~ /^(none|raw|paren|full|eventlist)$/) die("bad CHECK " $4)
        if (($3 == "none") != ($6 == "-")) die("FIELDS must be '-' exactly when PRESENCE is none")
        arg_name[narg] = $2
        arg_presence[narg] = $3
        arg_check[narg] = $4
        arg_grammar[narg] = $5
        arg_first[narg] = nfield
        arg_recipe[narg] = $6
        if ($6 != "-") fields($6)
        arg_nfields[narg] = nfield - arg_first[narg]
        if ($2 in arg_num) die("duplicate argtype " $2)
        arg_num[$2] = narg
        narg++
    } else if ($1 == "command") {
        if (NF != 3) die("command rows have 3 columns")
        if ($3 !~ /^(auth|select|logout|other)$/) die("bad ROLE " $3)
        if ($2 in cmd_seen) die("duplicate command " $2)
        # lib/registry.c folds the command word to upper case into a buffer
        # the size of struct imaperr__command_row's name (lib/internal.h)
        if ($2 !~ /^[A-Z][A-Z0-9-]*$/) die("command " $2 ": upper-case letters, digits and '-' only")
        if (length($2) > 15) die("command " $2 " does not fit imaperr__command_row's name[16]")
        cmd_seen[$2] = 1
        cmd_name[ncmd] = $2
        cmd_role[ncmd] = $3
        ncmd++
    } else {
        die("unknown row type " $1)
    }
    next
}

# FIELDS recipe of an argtype row -> field specs
function fields(recipe,    items, n, i, it, name, type, opt, words, depth, named, optional_seen, numbered) {
    n = split(recipe, items, " ")
    depth = 0; named = 0; optional_seen = 0
    for (i = 1; i <= n; i++) {
        it = items[i]
        if (it == "(" || it == "(?") {
            if (depth) die("nested groups are not supported")
            depth = 1
            fs_name[nfield] = ""; fs_type[nfield] = (it == "(") ? "OPEN" : "OPEN_OPT"
            fs_opt[nfield] = (it == "(?"); fs_words[nfield] = ""
            if (it == "(?") optional_seen = 1
            else if (optional_seen) die("a required group after an optional field")
            nfield++
            continue
        }
        if (it == ")") {
            if (!depth) die("')' without '('")
            depth = 0
            fs_name[nfield] = ""; fs_type[nfield] = "CLOSE"; fs_opt[nfield] = 0; fs_words[nfield] = ""
            nfield++
            continue
        }
        if (split(it, nt, ":") != 2 || nt[1] !~ /^[a-z][a-z]*$/) die("bad field " it)
        name = nt[1]; type = nt[2]; opt = 0; words = ""
        if (type ~ /\?$/) { opt = 1; type = substr(type, 1, length(type) - 1) }
        if (type ~ /^(word|wordnum)\(.*\)$/) {
            words = type
            sub(/^[a-z]*\(/, "", words); sub(/\)$/, "", words)
            if (words !~ /^[A-Z][A-Z0-9-]*[#.]?(\|[A-Z][A-Z0-9-]*[#.]?)*$/) die("bad word list " words)
            sub(/\(.*$/, "", type)
        }
        if (type !~ /^(nz32|num32|modseq|nnumber|uidset|seqset|astring|quoted|nstring|filtername|url-imap|url-web|text|atoms|flags|charsets|events|objectid|word|wordnum)$/)
            die("unknown field type " type)
        if (opt) optional_seen = 1
        else if (optional_seen && !depth) die("a required field after an optional one")
        fs_name[nfield] = name; fs_type[nfield] = ident(type); fs_opt[nfield] = opt; fs_words[nfield] = words
        nfield++
        named++
    }
    if (depth) die("'(' without ')'")
    if (named > 4) die("at most 4 named fields")
}

# ---- messages.tsv ---------------------------------------------------------
# The placeholders of a message, as a sorted signature ("1,2"); dies on any
# printf directive other than %N$s (N = 1..9) and on gaps in the numbering.
function placeholders(text,    t, seen, n, sig, k, d) {
    t = text
    while ((k = index(t, "%")) > 0) {
        d = substr(t, k, 4)
        if (d !~ /^%[1-9]\$s$/) die("only positional %N$s placeholders are allowed: " text)
        seen[substr(d, 2, 1)] = 1
        t = substr(t, k + 4)
    }
    sig = ""
    for (n = 1; n <= 9; n++) {
        if (n in seen) sig = sig (sig == "" ? "" : ",") n
        else { for (k = n + 1; k <= 9; k++) if (k in seen) die("placeholders must be numbered from 1 without gaps: " text); break }
    }
    return sig
}

FILENAME ~ /messages\.tsv$/ {
    if (NF != 4) die("message rows have 4 columns")
    if ($1 in msg_num) die("duplicate message key " $1)
    if ($1 !~ /^[a-z][a-z0-9-]*$/) die("message keys are lower-case words with dashes")
    msg_key[nmsg] = $1
    msg_text[nmsg] = $2
    msg_note[nmsg] = $3
    msg_plural[nmsg] = $4 == "-" ? "" : $4
    msg_args[nmsg] = placeholders($2)
    if ($4 != "-" && placeholders($4) != msg_args[nmsg]) die("the plural form must use the same placeholders")
    if (($1 ~ /-count$/) != ($4 != "-")) die("a key ends in -count exactly when the row has a plural form")
    if ($1 ~ /-(mailbox|retry|url|count)$/ && msg_args[nmsg] != "1") die("a -" substr($1, match($1, /[a-z]*$/)) " variant takes exactly %1$s")
    if ($1 ~ /-amount$/ && msg_args[nmsg] != "1,2") die("an -amount variant takes %1$s and %2$s")
    msg_num[$1] = nmsg
    nmsg++
    next
}

# ---- registry.tsv ---------------------------------------------------------
function cell(s, col,    parts, n, c) {
    # Returns "cat action msg weak" as indices (-1 = not set).
    if (s == "-") return "-1 -1 -1 0"
    weak = 0
    if (substr(s, 1, 1) == "~") { weak = 1; s = substr(s, 2) }
    n = split(s, parts, "/")
    if (n > 3) die("column " col ": too many parts in " s)
    if (!(parts[1] in cat_num)) die("column " col ": unknown category " parts[1])
    c = cat_num[parts[1]] " "
    if (n >= 2) {
        if (!(parts[2] in act_num)) die("column " col ": unknown action " parts[2])
        c = c act_num[parts[2]] " "
    } else c = c "-2 "
    if (parts[1] == "ok" && n >= 2 && parts[2] != "none") die("column " col ": category ok takes action none")
    if (n >= 3) {
        if (!(parts[3] in msg_num)) die("column " col ": unknown message key " parts[3])
        c = c msg_num[parts[3]] " "
    } else c = c "-2 "
    return c weak
}

FILENAME ~ /registry\.tsv$/ {
    if (NF != 13) die("registry rows have 13 columns, this one has " NF)
    if ($1 !~ /^[0-9]+$/ || length($1) > 5 || ($1 + 0) > 65534) die("NUMBER must be a number from 0 to 65534")
    if (($1 + 0) in code_seen_num) die("duplicate number " $1)
    if ($2 in code_seen_name) die("duplicate name " $2)
    if ($2 !~ /^[A-Z][A-Z0-9-]*$/) die("NAME must be an upper-case atom")
    if ($4 !~ /^(registered|obsolete|unregistered|pseudo)$/) die("bad STATUS " $4)
    if (!($5 in arg_num)) die("unknown ARGS type " $5)
    if (!($10 in act_num)) die("unknown ACTION " $10)
    if ($11 != "-" && $11 != "show") die("FLAGS must be 'show' or '-'")
    if ($12 != "-" && !($12 in msg_num)) die("unknown MSG key " $12)
    if ($4 == "pseudo" && ($1 + 0) > 1) die("only 0 and 1 are pseudo codes")
    if ($4 != "pseudo" && ($1 + 0) <= 1) die("0 and 1 are reserved for pseudo codes")
    if ($4 != "pseudo" && $13 == "-") die("EXAMPLE is required")
    if ($4 != "pseudo") {
        ex = $13
        if (ex != $2 && substr(ex, 1, length($2) + 1) != $2 " ") die("EXAMPLE must be the code name, or the name, a space and arguments")
        if (arg_presence[arg_num[$5]] == "none" && ex != $2) die("EXAMPLE has arguments the code does not take")
        if (arg_presence[arg_num[$5]] == "required" && ex == $2) die("EXAMPLE lacks the required arguments")
    }
    code_seen_num[$1 + 0] = 1
    code_seen_name[$2] = 1
    c = ncode
    code_n[c] = $1 + 0
    code_name[c] = $2
    code_ref[c] = $3
    code_reg[c] = $4
    code_arg[c] = arg_num[$5]
    if ($10 != "none") {
        for (k = 6; k <= 9; k++)
            if ($k == "ok" || $k == "~ok") die("a cell 'ok' needs '/none' when the ACTION column is not none")
    }
    code_no[c] = cell($6, "NO")
    code_ok[c] = cell($7, "OK")
    code_bad[c] = cell($8, "BAD")
    code_bye[c] = cell($9, "BYE")
    code_act[c] = act_num[$10]
    code_show[c] = ($11 == "show")
    code_msg[c] = ($12 == "-") ? -1 : msg_num[$12]
    code_ex[c] = $13
    if (code_n[c] > maxnum) maxnum = code_n[c]
    ncode++
    next
}

{ die("unexpected input file") }

# ---- output ---------------------------------------------------------------
function emit_cell(s, c,    p, act, msg) {
    split(s, p, " ")
    act = p[2]; msg = p[3]
    if (p[1] == -1) return "{ -1, -1, -1, 0 }"
    if (act == -2) act = code_act[c]
    if (msg == -2) msg = code_msg[c]
    return "{ " p[1] ", " act ", " msg ", " p[4] " }"
}

function cell_doc(s, c,    p, act, txt) {
    split(s, p, " ")
    if (p[1] == -1) return "-"
    act = (p[2] == -2) ? code_act[c] : p[2]
    txt = cat_name[p[1]] " / " act_name[act]
    if (p[4] == 1) txt = txt " (weak)"
    return txt
}

END {
    if (failed) exit 1
    if (ncat == 0 || nact == 0 || narg == 0 || nmsg == 0 || ncode < 3)
        { print "gen-registry.awk: missing input (give vocabulary.tsv messages.tsv registry.tsv)" > "/dev/stderr"; exit 1 }
    for (i = 0; i < ncat; i++)
        if (!(cat_msg[i] in msg_num)) { print "gen-registry.awk: category " cat_name[i] ": unknown message key " cat_msg[i] > "/dev/stderr"; exit 1 }
    if (!(0 in code_seen_num) || !(1 in code_seen_num)) { print "gen-registry.awk: rows 0 (NONE) and 1 (UNKNOWN) are required" > "/dev/stderr"; exit 1 }
    if (!("parse-error" in msg_num)) { print "gen-registry.awk: message key parse-error is required" > "/dev/stderr"; exit 1 }
    if (!("server-said" in msg_num)) { print "gen-registry.awk: message key server-said is required" > "/dev/stderr"; exit 1 }

    if (out == "header") emit_header()
    else if (out == "data") emit_data()
    else emit_doc()
}

function emit_header(    i) {
    print "/* imaperr-codes.h - GENERATED by lib/gen-registry.awk from lib/registry.tsv"
    print " * and lib/vocabulary.tsv. Do not edit: edit the tables. */"
    print "#ifndef IMAPERR_CODES_H"
    print "#define IMAPERR_CODES_H"
    print ""
    print "/** IMAP response codes. Values are stable and never reused; new codes are"
    print " *  appended. IMAPERR_CODE_NONE: the line has no code. IMAPERR_CODE_UNKNOWN:"
    print " *  a code whose name is not in the registry. */"
    print "typedef enum imaperr_code {"
    for (i = 0; i < ncode; i++)
        printf("    IMAPERR_CODE_%s = %d,%s\n", ident(code_name[i]), code_n[i],
               code_reg[i] == "pseudo" ? "" : "  /* " code_ref[i] (code_reg[i] == "registered" ? "" : ", " code_reg[i]) " */")
    print "    /** Not a code: keeps the enum wide enough for all future codes. */"
    print "    IMAPERR_CODE_DIM_ = 65535"
    print "} imaperr_code;"
    print ""
    print "/** Error categories (DESIGN.md vocabulary). Stable, append only. */"
    print "typedef enum imaperr_category {"
    for (i = 0; i < ncat; i++)
        printf("    IMAPERR_CAT_%s = %d,  /**< %s: %s */\n", ident(cat_name[i]), i, cat_name[i], cat_desc[i])
    print "    IMAPERR_CAT_DIM_ = 255"
    print "} imaperr_category;"
    print ""
    print "/** What a client should do next. Stable, append only. */"
    print "typedef enum imaperr_action {"
    for (i = 0; i < nact; i++)
        printf("    IMAPERR_ACT_%s = %d,  /**< %s: %s */\n", ident(act_name[i]), i, act_name[i], act_desc[i])
    print "    IMAPERR_ACT_DIM_ = 255"
    print "} imaperr_action;"
    print ""
    print "#endif /* IMAPERR_CODES_H */"
}

function emit_data(    i, j, k, t, n, order, nm, hnames, hcmd, cmd_max) {
    print "/* registry-data.c - GENERATED by lib/gen-registry.awk from lib/registry.tsv,"
    print " * lib/vocabulary.tsv and lib/messages.tsv. Do not edit: edit the tables. */"
    print "#include <config.h>"
    print "#include \"internal.h\""
    print ""
    print "#define N_(s) s"
    print "#define NN_(s, p) s"
    print ""
    printf("const char *const imaperr__messages[%d] = {\n", nmsg)
    for (i = 0; i < nmsg; i++) {
        printf("    /* TRANSLATORS: %s (key: %s) */\n", msg_note[i], msg_key[i])
        if (msg_args[i] != "") print "    /* xgettext:c-format */"
        if (msg_plural[i] != "")
            printf("    NN_(%s,\n        %s),\n", cstr(msg_text[i]), cstr(msg_plural[i]))
        else
            printf("    N_(%s),\n", cstr(msg_text[i]))
    }
    print "};"
    printf("/* English plural forms (NULL: the message has none) */\n")
    printf("const char *const imaperr__messages_plural[%d] = {\n", nmsg)
    for (i = 0; i < nmsg; i++) printf("    %s,\n", msg_plural[i] == "" ? "0" : cstr(msg_plural[i]))
    print "};"
    printf("/* number of %%N$s placeholders of each message */\n")
    printf("const unsigned char imaperr__message_nargs[%d] = {", nmsg)
    for (i = 0; i < nmsg; i++) printf("%s%d", i ? ", " : " ", msg_args[i] == "" ? 0 : split(msg_args[i], tmpa, ","))
    print " };"
    printf("const char *const imaperr__message_keys[%d] = {\n", nmsg)
    for (i = 0; i < nmsg; i++) printf("    %s,\n", cstr(msg_key[i]))
    print "};"
    printf("const unsigned imaperr__message_count = %d;\n", nmsg)
    printf("const unsigned imaperr__message_parse_error = %d;\n", msg_num["parse-error"])
    printf("const unsigned imaperr__message_server_said = %d;\n\n", msg_num["server-said"])

    printf("const struct imaperr__category_row imaperr__categories[%d] = {\n", ncat)
    for (i = 0; i < ncat; i++) printf("    { %s, %d },\n", cstr(cat_name[i]), msg_num[cat_msg[i]])
    print "};"
    printf("const unsigned imaperr__category_count = %d;\n\n", ncat)

    printf("const struct imaperr__action_row imaperr__actions[%d] = {\n", nact)
    for (i = 0; i < nact; i++) printf("    { %s, %d },\n", cstr(act_name[i]), act_retry[i])
    print "};"
    printf("const unsigned imaperr__action_count = %d;\n\n", nact)

    printf("const struct imaperr__field_spec imaperr__field_specs[%d] = {\n", nfield > 0 ? nfield : 1)
    for (i = 0; i < nfield; i++)
        printf("    { %s, IMAPERR__FT_%s, %d, %s },\n", fs_name[i] == "" ? "0" : cstr(fs_name[i]),
               fs_type[i], fs_opt[i], fs_words[i] == "" ? "0" : cstr(fs_words[i]))
    if (nfield == 0) print "    { 0, 0, 0, 0 },"
    print "};"
    printf("const struct imaperr__argtype_row imaperr__argtypes[%d] = {\n", narg)
    for (i = 0; i < narg; i++)
        printf("    { %s, IMAPERR__PRESENCE_%s, IMAPERR__CHECK_%s, %s, %d, %d },\n", cstr(arg_name[i]),
               ident(arg_presence[i]), ident(arg_check[i]), cstr(arg_grammar[i]), arg_first[i], arg_nfields[i])
    print "};"
    print ""

    # commands, sorted by name (and hashed below for imaperr__command_role)
    for (i = 0; i < ncmd; i++) order[i] = i
    for (i = 1; i < ncmd; i++) {
        t = order[i]
        for (j = i - 1; j >= 0 && cmd_name[order[j]] > cmd_name[t]; j--) order[j + 1] = order[j]
        order[j + 1] = t
    }
    printf("const struct imaperr__command_row imaperr__commands[%d] = {\n", ncmd)
    for (i = 0; i < ncmd; i++)
        printf("    { %s, IMAPERR__ROLE_%s },\n", cstr(cmd_name[order[i]]), ident(cmd_role[order[i]]))
    print "};"
    printf("const unsigned imaperr__command_count = %d;\n", ncmd)
    cmd_max = 0
    for (i = 0; i < ncmd; i++) if (length(cmd_name[i]) > cmd_max) cmd_max = length(cmd_name[i])
    printf("const unsigned imaperr__command_name_max = %d;\n", cmd_max)
    for (i = 0; i < ncmd; i++) hcmd[i] = cmd_name[order[i]]
    emit_hash("imaperr__command_hash", hcmd, ncmd)
    print ""

    printf("const struct imaperr__code_row imaperr__codes[%d] = {\n", ncode)
    for (i = 0; i < ncode; i++) {
        printf("    { %d, %s, %s, IMAPERR__REG_%s, %d,\n", code_n[i], cstr(code_name[i]),
               cstr(code_ref[i]), ident(code_reg[i]), code_arg[i])
        printf("      { %s, %s, %s, %s },\n", emit_cell(code_no[i], i), emit_cell(code_ok[i], i),
               emit_cell(code_bad[i], i), emit_cell(code_bye[i], i))
        printf("      %d, %d, %d, %s },\n", code_act[i], code_show[i], code_msg[i], cstr(code_ex[i]))
    }
    print "};"
    printf("const unsigned imaperr__code_rows = %d;\n\n", ncode)

    printf("/* enum value -> row index (0xFFFF: no such code) */\n")
    printf("const unsigned short imaperr__code_index[%d] = {\n", maxnum + 1)
    for (i = 0; i <= maxnum; i++) {
        k = 65535
        for (j = 0; j < ncode; j++) if (code_n[j] == i) k = j
        printf("    %d,\n", k)
    }
    print "};"
    printf("const unsigned imaperr__code_max = %d;\n\n", maxnum)

    # names of real codes, sorted (byte order of upper-case names); looked up
    # through the hash table emitted after them
    n = 0
    for (i = 0; i < ncode; i++) if (code_reg[i] != "pseudo") nm[n++] = i
    for (i = 1; i < n; i++) {
        t = nm[i]
        for (j = i - 1; j >= 0 && code_name[nm[j]] > code_name[t]; j--) nm[j + 1] = nm[j]
        nm[j + 1] = t
    }
    printf("const struct imaperr__name_row imaperr__code_names[%d] = {\n", n)
    for (i = 0; i < n; i++) printf("    { %s, %d },\n", cstr(code_name[nm[i]]), code_n[nm[i]])
    print "};"
    printf("const unsigned imaperr__code_name_count = %d;\n", n)

    for (i = 0; i < n; i++) hnames[i] = code_name[nm[i]]
    emit_hash("imaperr__code_hash", hnames, n)
}

# The hash lib/internal.h's IMAPERR__NAME_HASH_STEP computes: h = h * 31 +
# (byte | 0x20) modulo 2^32, over the bytes of the name.
function name_hash(t,    k, c, o, h) {
    if (!ord_ready) {
        for (k = 33; k < 127; k++) ord[sprintf("%c", k)] = k
        ord_ready = 1
    }
    h = 0
    for (k = 1; k <= length(t); k++) {
        c = substr(t, k, 1)
        if (!(c in ord)) die("name " t " has a byte the name hash cannot take")
        o = ord[c]
        if (o % 64 < 32) o += 32   # o | 0x20
        h = (h * 31 + o) % 4294967296
    }
    return h
}

# names[0..n-1] in an open-addressing hash table of 256 slots (linear
# probing from name_hash modulo 256); an entry is the name's index + 1,
# 0 an empty slot.
function emit_hash(var, names, n,    i, k, hsize, slot) {
    hsize = 256
    if (n * 2 > hsize) die("too many names for the hash table " var)
    for (i = 0; i < hsize; i++) slot[i] = 0
    for (i = 0; i < n; i++) {
        k = name_hash(names[i]) % hsize
        while (slot[k] != 0) k = (k + 1) % hsize
        slot[k] = i + 1
    }
    printf("\nconst unsigned char %s[%d] = {", var, hsize)
    for (i = 0; i < hsize; i++)
        printf("%s%d%s", (i % 16 == 0 ? "\n    " : " "), slot[i], (i + 1 < hsize ? "," : ""))
    print "\n};"
}

function emit_doc(    i, n, recipe) {
    print "<!-- GENERATED by lib/gen-registry.awk from lib/registry.tsv. Do not edit. -->"
    print "# IMAP response codes known to libimaperr"
    print ""
    print "Each row is one line of `lib/registry.tsv`. The category and action columns give"
    print "the meaning with each status (PREAUTH reads the OK column); `-` means the status"
    print "and the failed command decide (see `imaperr_classify()` in `include/imaperr.h`);"
    print "\"weak\" means the cell applies only when the status and command tell nothing more."
    print "\"Decoded fields\" is the recipe `imaperr_args_decode()` follows (`lib/vocabulary.tsv`):"
    print "`name:type`, `?` for optional fields; the names are the keys of `imaperr explain --json`'s"
    print "`args` object and of `imaperr_args_field()`."
    print ""
    print "| # | Code | Reference | Registration | Arguments | Decoded fields | with NO | with OK | with BAD | with BYE | Show | Example |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
    n = 0
    for (i = 0; i < ncode; i++) {
        if (code_reg[i] == "pseudo") continue
        n++
        recipe = arg_recipe[code_arg[i]]
        gsub(/\|/, "\\|", recipe)
        printf("| %d | %s | %s | %s | `%s` | %s | %s | %s | %s | %s | %s | `[%s]` |\n", code_n[i], code_name[i],
               code_ref[i], code_reg[i], arg_grammar[code_arg[i]], recipe == "-" ? "" : "`" recipe "`",
               cell_doc(code_no[i], i),
               cell_doc(code_ok[i], i), cell_doc(code_bad[i], i), cell_doc(code_bye[i], i),
               code_show[i] ? "yes" : "", code_ex[i])
    }
    print ""
    printf("%d codes.\n", n)
    print ""
    print "## Categories"
    print ""
    print "| # | Name | Meaning | Message |"
    print "|---|---|---|---|"
    for (i = 0; i < ncat; i++) printf("| %d | `%s` | %s | %s |\n", i, cat_name[i], cat_desc[i], msg_text[msg_num[cat_msg[i]]])
    print ""
    print "## Actions"
    print ""
    print "| # | Name | Retries automatically | Meaning |"
    print "|---|---|---|---|"
    for (i = 0; i < nact; i++) printf("| %d | `%s` | %s | %s |\n", i, act_name[i], act_retry[i] ? "yes" : "no", act_desc[i])
}
