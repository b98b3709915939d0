/* cli: placeholder */
#include "acc/acc_internal.h"
int acc_cli_user(const struct cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return 2; }
