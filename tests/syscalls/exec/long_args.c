/* execve with argument and environment strings around the limits: one
 * string may be up to MAX_ARG_STRLEN (32 pages) bytes with its NUL, and
 * one more byte is E2BIG; strings either side of a page (4095, 4096,
 * 4097 bytes) and one in the middle (5000) come through whole. The new
 * image prints each string's length and a checksum of its bytes. */
#include "../common.h"

#define MAX_STR (32 * 4096)

static unsigned long sum(const char *s)
{
	unsigned long h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static char *str(size_t len, char c)
{
	char *s = malloc(len + 1);

	if (!s)
		exit(2);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)(c + i % 23);
	s[len] = 0;
	return s;
}

int main(int argc, char **argv, char **envp)
{
	char *nargv[8], *nenvp[4];
	pid_t pid;
	int st;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		for (int i = 2; i < argc; i++)
			printf("arg %d: %zu bytes, sum %lx\n", i, strlen(argv[i]), sum(argv[i]));
		for (int i = 0; envp[i]; i++)
			printf("env %d: %zu bytes, sum %lx\n", i, strlen(envp[i]), sum(envp[i]));
		return 0;
	}
	nargv[0] = argv[0];
	nargv[1] = "child";
	nargv[2] = str(4095, 'a');
	nargv[3] = str(4096, 'b');
	nargv[4] = str(4097, 'c');
	nargv[5] = str(5000, 'd');
	nargv[6] = str(MAX_STR - 1, 'e');
	nargv[7] = NULL;
	nenvp[0] = str(4096, 'F');
	nenvp[1] = str(MAX_STR - 1, 'G');
	nenvp[2] = NULL;
	pid = fork();
	if (pid == 0) {
		execve(argv[0], nargv, nenvp);
		printf("execve: %s\n", strerror(errno));
		_exit(1);
	}
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fflush(stdout);

	/* One byte over, in argv and in envp: E2BIG, and the caller runs on. */
	nargv[6] = str(MAX_STR, 'e');
	SHOW(execve(argv[0], nargv, nenvp));
	nargv[6] = NULL;
	nenvp[1] = str(MAX_STR, 'G');
	SHOW(execve(argv[0], nargv, nenvp));
	printf("still running\n");
	return 0;
}
