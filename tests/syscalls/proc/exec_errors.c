/* execve failures return the right errno and leave the caller running. */
#include "../common.h"

int main(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	char path[PATH_MAX + 64];
	char *volatile empty = "";
	char *volatile bad = (char *)8;

	SHOW(execve("/nonexistent/binary", argv, envp));
	SHOW(execve(data_path("no-such-file"), argv, envp));
	SHOW(execve(data_path("noexec.txt"), argv, envp));
	SHOW(execve(data_path("garbage.bin"), argv, envp));
	SHOW(execve(data_path("dir"), argv, envp));
	snprintf(path, sizeof(path), "%s/x", data_path("small.txt"));
	SHOW(execve(path, argv, envp));
	SHOW(execve(empty, argv, envp));
	SHOW(execve(bad, argv, envp));
	printf("still running\n");
	return 0;
}
