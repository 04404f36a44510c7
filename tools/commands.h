/* commands.h: every `vpt` subcommand, each implemented in its own tools/cmd_*.c file.
 * A command returns the process exit code (0 ok, 1 failure, 2 usage error). */
#ifndef TOOLS_COMMANDS_H
#define TOOLS_COMMANDS_H

typedef struct VptCommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} VptCommand;

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_pipeline(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_gen_data(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_gui_layout(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_video(int argc, char **argv);
int cmd_dataset(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_upload(int argc, char **argv);
int cmd_idm(int argc, char **argv);
int cmd_bc(int argc, char **argv);
int cmd_rl(int argc, char **argv);

int cmd_play(int argc, char **argv); /* window commands: built with VPT_WINDOW */
int cmd_watch(int argc, char **argv);
int cmd_record(int argc, char **argv);

/* The table lives in main.c; cmd_help lists it. */
extern const VptCommand VPT_COMMANDS[];
extern const int VPT_N_COMMANDS;

/* "vpt 0.1.0 (git abc1234)" */
const char *vpt_version_string(void);

#endif
