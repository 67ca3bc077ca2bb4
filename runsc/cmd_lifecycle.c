/* Container lifecycle commands (create, start, kill, wait, run) and the
 * sandbox process. */
#define _GNU_SOURCE
#include "runsc/runsc.h"

int cmd_create(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
int cmd_start(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
int cmd_kill(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
int cmd_wait(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
int cmd_run(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
int cmd_boot(struct global_opts *g, int argc, char **argv) { return cmd_unimplemented(g, argc, argv); }
