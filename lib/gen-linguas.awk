# gen-linguas.awk - turn po/LINGUAS into the C list of shipped catalogs used
# by locale negotiation, so the two can never disagree.
{ sub(/#.*/, ""); for (i = 1; i <= NF; i++) if ($i !~ /^[a-z][a-z][a-z]?(_[A-Z][A-Z])?(@[a-z]+)?$/) { print "gen-linguas.awk: bad language " $i > "/dev/stderr"; exit 1 } else lang[n++] = $i }
END {
    print "/* linguas.c - GENERATED from po/LINGUAS by lib/gen-linguas.awk. */"
    print "#include <config.h>"
    print "#include \"internal.h\""
    printf("const char *const imaperr__linguas[%d] = {", n + 1)
    for (i = 0; i < n; i++) printf(" \"%s\",", lang[i])
    print " 0 };"
    printf("const unsigned imaperr__linguas_count = %d;\n", n)
}
