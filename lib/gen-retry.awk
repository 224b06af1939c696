# gen-retry.awk - generate the retry advisor's tables from lib/retry-policy.tsv.
#
#   awk -v out=data -f gen-retry.awk lib/vocabulary.tsv lib/retry-policy.tsv > lib/retry-data.c
#   awk -v out=doc  -f gen-retry.awk lib/vocabulary.tsv lib/retry-policy.tsv > doc/retry-policy.md
#
# The vocabulary gives the category and action names; code names become
# IMAPERR_CODE_* identifiers, which the compiler checks against the registry.
# Any error names the file and line, prints nothing to stdout and exits 1.
# POSIX awk (no gawk extensions).

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}

function ident(name,    s) {
    s = toupper(name)
    gsub(/-/, "_", s)
    return s
}

function is_uint(s) { return s ~ /^[0-9]+$/ && length(s) <= 19 }

function jitter_value(s) {
    if (s == "none") return 0
    if (s == "equal") return 1
    if (s == "full") return 2
    return -1
}

# C string literal (the table holds no backslash or quote but be safe).
function cstr(s) {
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    return "\"" s "\""
}

# Markdown cell: escape pipes.
function md(s) {
    gsub(/\|/, "\\|", s)
    return s
}

# Check a comma list against a set of allowed words (space-separated);
# returns the C expression OR-ing prefix + IDENT(word), or "0" for "-".
function wordlist(cell, allowed, prefix, what,    n, i, w, e, parts) {
    if (cell == "-")
        return "0"
    n = split(cell, parts, ",")
    e = ""
    for (i = 1; i <= n; i++) {
        w = parts[i]
        if (index(" " allowed " ", " " w " ") == 0)
            fail("unknown " what " '" w "'")
        e = e (e == "" ? "" : " | ") prefix ident(w)
    }
    return e
}

BEGIN {
    FS = "\t"
    nparam = 0; ncmd = 0; nrule = 0; file = 0; failed = 0
    if (out != "data" && out != "doc") {
        print "gen-retry.awk: set -v out=data or -v out=doc" > "/dev/stderr"
        failed = 1
        exit 1
    }
    units["count"] = "IMAPERR__UNIT_COUNT"
    units["ms"] = "IMAPERR__UNIT_MS"
    units["percent"] = "IMAPERR__UNIT_PERCENT"
    units["millitokens"] = "IMAPERR__UNIT_MILLITOKENS"
    units["jitter"] = "IMAPERR__UNIT_JITTER"
    cmdprops = "auth idempotent seqnum read mailbox selected"
    whens = "oauth no-tls after-reconnect replayed table-noop table-retry"
    flagwords = "show-user verify-first reduce-connections reduce-rate skip-item reselect refresh-token latched"
    prewords = "noop starttls create reselect refresh"
    delays = "transient in-use throttle bandwidth reconnect now pace"
    scopes = "command connection account"
    # The pre-action each retry-after-* action implies.
    implied["retry-after-noop"] = "noop"
    implied["retry-after-starttls"] = "starttls"
    implied["retry-after-create"] = "create"
}

FNR == 1 { file++ }

/^#/ || /^[ \t]*$/ { next }

# ---- lib/vocabulary.tsv ----------------------------------------------------
file == 1 {
    if ($1 == "category") category[$3] = $2
    else if ($1 == "action") action[$3] = $2
    next
}

# ---- lib/retry-policy.tsv --------------------------------------------------
$1 == "param" {
    if (NF != 8) fail("param rows have 8 columns, this one has " NF)
    if (!is_uint($2) || $2 + 0 != nparam) fail("param numbers must run 0, 1, 2, ... (expected " nparam ")")
    if ($3 !~ /^[a-z][a-z0-9-]*$/) fail("bad parameter name '" $3 "'")
    if ($3 in pseen) fail("duplicate parameter '" $3 "'")
    if (!($7 in units)) fail("unknown unit '" $7 "'")
    pseen[$3] = 1
    if ($7 == "jitter") {
        if (jitter_value($4) < 0) fail("a jitter default is none, equal or full")
        if ($5 != "-" || $6 != "-") fail("jitter parameters have no MIN/MAX ('-')")
        pdef[nparam] = jitter_value($4); pmin[nparam] = 0; pmax[nparam] = 2
        pdeftext[nparam] = $4
    } else {
        if (!is_uint($4) || !is_uint($5) || !is_uint($6)) fail("DEFAULT, MIN and MAX must be numbers")
        if ($5 + 0 > $6 + 0 || $4 + 0 < $5 + 0 || $4 + 0 > $6 + 0)
            fail("need MIN <= DEFAULT <= MAX")
        pdef[nparam] = $4; pmin[nparam] = $5; pmax[nparam] = $6
        pdeftext[nparam] = $4
    }
    if ($8 == "") fail("every parameter needs a WHY")
    pname[nparam] = $3; punit[nparam] = $7; pwhy[nparam] = $8
    nparam++
    next
}

$1 == "command" {
    if (NF != 3) fail("command rows have 3 columns, this one has " NF)
    if ($2 !~ /^(UID )?[A-Z][A-Z0-9]*$/) fail("bad command name '" $2 "'")
    if ($2 in cseen) fail("duplicate command '" $2 "'")
    if (ncmd > 0 && $2 <= cname[ncmd - 1]) fail("commands must be sorted by name")
    cseen[$2] = 1
    cname[ncmd] = $2
    cexpr[ncmd] = wordlist($3, cmdprops, "IMAPERR__CMD_", "command property")
    ctext[ncmd] = ($3 == "-" ? "(none: not idempotent)" : $3)
    gsub(/,/, ", ", ctext[ncmd])
    ncmd++
    next
}

$1 == "rule" {
    if (NF != 14) fail("rule rows have 14 columns, this one has " NF)
    n = nrule
    # OUTCOME
    if ($2 == "response") r_oc[n] = "IMAPERR__OC_RESPONSE"
    else if ($2 == "no-response") r_oc[n] = "IMAPERR__OC_NORESPONSE"
    else if ($2 == "connect-failed") r_oc[n] = "IMAPERR__OC_CONNECT"
    else if ($2 == "*") r_oc[n] = "IMAPERR__OC_ANY"
    else fail("unknown outcome '" $2 "'")
    # STATUS
    if ($3 == "ok") r_st[n] = "IMAPERR__ST_OK"
    else if ($3 == "no") r_st[n] = "IMAPERR__ST_NO"
    else if ($3 == "bad") r_st[n] = "IMAPERR__ST_BAD"
    else if ($3 == "bye") r_st[n] = "IMAPERR__ST_BYE"
    else if ($3 == "*") r_st[n] = "IMAPERR__ST_ANY"
    else fail("unknown status '" $3 "'")
    # CATEGORY
    if ($4 == "*") r_cat[n] = "-1"
    else if ($4 in category) r_cat[n] = "IMAPERR_CAT_" ident($4)
    else fail("unknown category '" $4 "'")
    # CODE
    if ($5 == "*") r_code[n] = "-1"
    else if ($5 ~ /^[A-Z][A-Z0-9-]*$/) r_code[n] = "IMAPERR_CODE_" ident($5)
    else fail("bad code name '" $5 "'")
    # COMMAND
    r_cmdname[n] = "NULL"
    if ($6 == "*") r_sel[n] = "IMAPERR__SEL_ANY"
    else if ($6 == "auth") r_sel[n] = "IMAPERR__SEL_AUTH"
    else if ($6 == "read") r_sel[n] = "IMAPERR__SEL_READ"
    else if ($6 == "mailbox") r_sel[n] = "IMAPERR__SEL_MAILBOX"
    else if ($6 == "selected") r_sel[n] = "IMAPERR__SEL_SELECTED"
    else if ($6 == "unsafe") r_sel[n] = "IMAPERR__SEL_UNSAFE"
    else if ($6 in cseen) { r_sel[n] = "IMAPERR__SEL_NAME"; r_cmdname[n] = cstr($6) }
    else fail("unknown command or command class '" $6 "' (command rows come first)")
    # WHEN
    r_when[n] = wordlist($7, whens, "IMAPERR__W_", "condition")
    # ACTION
    if ($8 == "table") r_act[n] = "-1"
    else if ($8 in action) r_act[n] = "IMAPERR_ACT_" ident($8)
    else fail("unknown action '" $8 "'")
    # DELAY
    if (index(" " delays " ", " " $9 " ") == 0) fail("unknown delay '" $9 "'")
    r_delay[n] = "IMAPERR__D_" ident($9)
    # SCOPE
    if (index(" " scopes " ", " " $10 " ") == 0) fail("unknown scope '" $10 "'")
    r_scope[n] = "IMAPERR_SCOPE_" ident($10)
    # FLAGS
    r_flags[n] = wordlist($11, flagwords, "IMAPERR_ADVICE_", "flag")
    # PRE
    if ($12 != "-" && index(" " prewords " ", " " $12 " ") == 0) fail("unknown pre-action '" $12 "'")
    if (($8 in implied) && $12 != implied[$8]) fail("action " $8 " implies pre-action " implied[$8])
    if ($12 == "reselect" && index("," $11 ",", ",reselect,") == 0) fail("pre-action reselect needs the reselect flag")
    if ($12 == "refresh" && index("," $11 ",", ",refresh-token,") == 0) fail("pre-action refresh needs the refresh-token flag")
    r_pre[n] = ($12 == "-" ? "0" : "IMAPERR_PRE_" ident($12))
    # AS
    if ($13 == "-") r_as[n] = "-1"
    else if ($13 in category) r_as[n] = "IMAPERR_CAT_" ident($13)
    else fail("unknown category '" $13 "'")
    if ($14 == "") fail("every rule needs a WHY")
    for (i = 2; i <= 14; i++) r_text[n, i] = $i
    nrule++
    next
}

{ fail("unknown row type '" $1 "'") }

END {
    if (failed) exit 1
    if (file != 2) {
        print "gen-retry.awk: give lib/vocabulary.tsv and lib/retry-policy.tsv" > "/dev/stderr"
        exit 1
    }
    if (nparam == 0 || ncmd == 0 || nrule == 0) {
        print "gen-retry.awk: the table needs param, command and rule rows" > "/dev/stderr"
        exit 1
    }
    if (out == "data") data(); else doc()
}

function data(    i) {
    print "/* retry-data.c - GENERATED by lib/gen-retry.awk from lib/retry-policy.tsv."
    print " * Do not edit: edit the table. */"
    print "#include <config.h>"
    print ""
    print "#include \"advise.h\""
    print ""
    print "const struct imaperr__rparam imaperr__rparams[] = {"
    for (i = 0; i < nparam; i++)
        printf "    { %s, %sULL, %sULL, %sULL, %s },\n", cstr(pname[i]), pdef[i], pmin[i], pmax[i], units[punit[i]]
    print "};"
    printf "const unsigned imaperr__rparam_count = %d;\n", nparam
    print ""
    print "/* The public enum must number the parameters as the table does. */"
    for (i = 0; i < nparam; i++)
        printf "_Static_assert(IMAPERR_RETRY_%s == %d, \"IMAPERR_RETRY_%s is %d in lib/retry-policy.tsv\");\n", \
            ident(pname[i]), i, ident(pname[i]), i
    printf "_Static_assert(%d <= sizeof(((imaperr_retry_policy *)0)->value_) / sizeof(uint64_t), \"policy slots\");\n", nparam
    print ""
    print "const struct imaperr__rcommand imaperr__rcommands[] = {"
    for (i = 0; i < ncmd; i++)
        printf "    { %s, IMAPERR__CMD_KNOWN | %s },\n", cstr(cname[i]), cexpr[i]
    print "};"
    printf "const unsigned imaperr__rcommand_count = %d;\n", ncmd
    print ""
    print "const struct imaperr__rule imaperr__rules[] = {"
    for (i = 0; i < nrule; i++)
        printf "    /* %d */ { %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s },\n", i + 1, \
            r_oc[i], r_st[i], r_cat[i], r_code[i], r_sel[i], r_cmdname[i], r_when[i], r_act[i], \
            r_delay[i], r_scope[i], r_flags[i], r_pre[i], r_as[i]
    print "};"
    printf "const unsigned imaperr__rule_count = %d;\n", nrule
}

function range_text(i) {
    if (punit[i] == "jitter") return "none, equal, full"
    return pmin[i] " .. " pmax[i]
}

function human(i,    v) {
    v = pdeftext[i]
    if (punit[i] != "ms" || v == "0") return v
    if (v % 3600000 == 0) return v " (" v / 3600000 " h)"
    if (v % 60000 == 0) return v " (" v / 60000 " min)"
    if (v % 1000 == 0) return v " (" v / 1000 " s)"
    return v
}

function doc(    i, when) {
    print "<!-- GENERATED by lib/gen-retry.awk from lib/retry-policy.tsv: do not edit;"
    print "     edit the table and run \"make update-retry-doc\". -->"
    print "# Retry advisor: the default policy"
    print ""
    print "The data behind `imaperr_advise()`; [retry.md](retry.md) explains the design,"
    print "the rules that override this table, and the simulation."
    print ""
    print "## Parameters"
    print ""
    print "Set with `imaperr_retry_policy_set(&policy, IMAPERR_RETRY_<NAME>, value)` (the"
    print "name upper-cased, `-` as `_`) or `imaperr advise --set name=value`. Durations in"
    print "milliseconds, multipliers in percent, tokens in thousandths."
    print ""
    print "| # | name | default | range | unit | why |"
    print "| --- | --- | --- | --- | --- | --- |"
    for (i = 0; i < nparam; i++)
        printf "| %d | `%s` | %s | %s | %s | %s |\n", i, pname[i], human(i), range_text(i), punit[i], md(pwhy[i])
    print ""
    print "## Rules"
    print ""
    print "For each failure the first matching row decides the action, the delay class,"
    print "the scope and the flags; `imaperr advise` and `imaperr_advice.rule` give the"
    print "row number. `*` matches anything; `table` is the action the registry gives"
    print "the response (`imaperr_classify()`). The delay applies only when the action"
    print "waits. The rules of [retry.md](retry.md#rules-over-the-table) (credential"
    print "latch, unknown outcomes, caps, token bucket, deadline, pre-actions once,"
    print "failing items) then apply to every row."
    print ""
    print "| # | outcome | status | category | code | command | when | action | delay | scope | flags | pre-action | as | why |"
    print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for (i = 0; i < nrule; i++) {
        printf "| %d |", i + 1
        for (j = 2; j <= 14; j++)
            printf " %s |", md(r_text[i, j])
        printf "\n"
    }
    print ""
    print "## Commands"
    print ""
    print "What the advisor assumes about each command; a command not listed (or none)"
    print "is treated as not safe to replay. `seqnum` commands without `UID` are never"
    print "replayed on a new connection. The caller overrides with `IMAPERR_OP_IDEMPOTENT`,"
    print "`IMAPERR_OP_NOT_IDEMPOTENT` and `IMAPERR_OP_SEQNUMS`."
    print ""
    print "| command | properties |"
    print "| --- | --- |"
    for (i = 0; i < ncmd; i++)
        printf "| %s | %s |\n", cname[i], ctext[i]
}
