/* cmd-advise.h - `imaperr advise` (tools/advise.c). */
#ifndef IMAPERR_TOOL_CMD_ADVISE_H
#define IMAPERR_TOOL_CMD_ADVISE_H

/* Run `imaperr advise`; argv[1] is "advise". Returns the exit status. */
int imaperr_tool_advise(int argc, char **argv);

#endif
