/* cmd_help.c: `vpt help [COMMAND]` and `vpt version`. */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"

#ifndef VPT_VERSION
#define VPT_VERSION "0.0.0"
#endif
#ifndef VPT_GIT_HASH
#define VPT_GIT_HASH "unknown"
#endif

const char *vpt_version_string(void) { return "vpt " VPT_VERSION " (git " VPT_GIT_HASH ")"; }

int cmd_help(int argc, char **argv) {
    if (argc >= 2) {
        for (int i = 0; i < VPT_N_COMMANDS; i++) {
            if (strcmp(VPT_COMMANDS[i].name, argv[1]) == 0) {
                char *sub[] = {argv[1], "--help", NULL};
                return VPT_COMMANDS[i].run(2, sub);
            }
        }
        fprintf(stderr, "vpt help: unknown command '%s'\n", argv[1]);
        return 2;
    }
    printf("%s: a Minecraft-style voxel world and the Video PreTraining loop, in C\n\n",
           vpt_version_string());
    printf("usage: vpt <command> [options]\n\ncommands:\n");
    for (int i = 0; i < VPT_N_COMMANDS; i++)
        printf("  %-12s %s\n", VPT_COMMANDS[i].name, VPT_COMMANDS[i].summary);
    printf("\nvpt <command> --help shows a command's options.\n");
    return 0;
}

int cmd_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("%s\n", vpt_version_string());
    return 0;
}
