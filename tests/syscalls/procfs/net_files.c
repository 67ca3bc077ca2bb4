/* /proc/net: header lines of dev, route, udp, udp6, tcp, tcp6, unix and
 * snmp; lo's line in dev and if_inet6; our own unix and UDP sockets show
 * up with their inode, type, state, name and addresses; /proc/net is
 * self/net. Only what is the same in any network namespace is printed. */
#include "../common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/un.h>

static char *slurp(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		printf("%s: %s\n", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void print_line(const char *label, const char *s, int nth)
{
	for (int i = 0; i < nth && s; i++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s) {
		printf("%s: (missing)\n", label);
		return;
	}
	printf("%s: [%.*s]\n", label, (int)strcspn(s, "\n"), s);
}

/* The line of a file whose field number field (from 0, blank-separated)
 * is value; NULL if none. */
static const char *find_field(const char *buf, int field, const char *value)
{
	for (const char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char tmp[512], *save, *tok;
		int i = 0;

		snprintf(tmp, sizeof(tmp), "%.*s", (int)strcspn(l, "\n"), l);
		for (tok = strtok_r(tmp, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save), i++)
			if (i == field && !strcmp(tok, value))
				return l;
	}
	return NULL;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	fstat(fd, &st);
	return (unsigned long)st.st_ino;
}

static void unix_line(const char *label, int fd, const char *want_path)
{
	char ino[32], f[8][64], path[256] = "", line[512];
	const char *buf = slurp("/proc/net/unix"), *l;
	int n;

	snprintf(ino, sizeof(ino), "%lu", ino_of(fd));
	l = buf ? find_field(buf, 6, ino) : NULL;
	if (!l) {
		printf("%s: not listed\n", label);
		return;
	}
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
	n = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %255[^\n]", f[0], f[1], f[2], f[3], f[4], f[5],
		   f[6], path);
	printf("%s: protocol %s flags %s type %s st %s path %s\n", label, f[2], f[3], f[4], f[5],
	       n < 8 ? "(none)" : !strcmp(path, want_path) ? "matches" : path);
}

static void udp_line(const char *label, int fd, int family)
{
	char ino[32], loc[64], rem[64], st[8], want[64], wantr[64];
	const char *buf = slurp(family == AF_INET ? "/proc/net/udp" : "/proc/net/udp6"), *l;
	union { struct sockaddr_in in; struct sockaddr_in6 in6; } a, p;
	socklen_t len = sizeof(a);

	snprintf(ino, sizeof(ino), "%lu", ino_of(fd));
	l = buf ? find_field(buf, 9, ino) : NULL;
	if (!l) {
		printf("%s: not listed\n", label);
		return;
	}
	sscanf(l, "%*s %63s %63s %7s", loc, rem, st);
	getsockname(fd, (struct sockaddr *)&a, &len);
	memset(&p, 0, sizeof(p));
	len = sizeof(p);
	getpeername(fd, (struct sockaddr *)&p, &len);
	if (family == AF_INET) {
		uint32_t x, y;

		memcpy(&x, &a.in.sin_addr, 4);
		memcpy(&y, &p.in.sin_addr, 4);
		snprintf(want, sizeof(want), "%08X:%04X", x, ntohs(a.in.sin_port));
		snprintf(wantr, sizeof(wantr), "%08X:%04X", y, ntohs(p.in.sin_port));
	} else {
		uint32_t w[4], v[4];

		memcpy(w, &a.in6.sin6_addr, 16);
		memcpy(v, &p.in6.sin6_addr, 16);
		snprintf(want, sizeof(want), "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3],
			 ntohs(a.in6.sin6_port));
		snprintf(wantr, sizeof(wantr), "%08X%08X%08X%08X:%04X", v[0], v[1], v[2], v[3],
			 ntohs(p.in6.sin6_port));
	}
	printf("%s: local %s remote %s st %s\n", label, strcmp(loc, want) ? loc : "matches",
	       strcmp(rem, wantr) ? rem : "matches", st);
}

int main(void)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char path[64], want[160], link[64];
	const char *buf;
	int l, sp[2], u, uc, u6;
	socklen_t len;
	ssize_t n;

	n = readlink("/proc/net", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	printf("/proc/net -> %s\n", link);

	if ((buf = slurp("/proc/net/dev"))) {
		print_line("dev header 1", buf, 0);
		print_line("dev header 2", buf, 1);
		printf("dev has lo: %s\n", strstr(buf, "\n    lo: ") ? "yes" : "no");
	}
	if ((buf = slurp("/proc/net/if_inet6"))) {
		const char *lo = strstr(buf, "00000000000000000000000000000001 ");

		print_line("if_inet6 ::1", lo, 0);
	}
	if ((buf = slurp("/proc/net/route")))
		print_line("route header", buf, 0);
	if ((buf = slurp("/proc/net/udp")))
		print_line("udp header", buf, 0);
	if ((buf = slurp("/proc/net/udp6")))
		print_line("udp6 header", buf, 0);
	if ((buf = slurp("/proc/net/tcp")))
		print_line("tcp header", buf, 0);
	if ((buf = slurp("/proc/net/tcp6")))
		print_line("tcp6 header", buf, 0);
	if ((buf = slurp("/proc/net/unix")))
		print_line("unix header", buf, 0);
	if ((buf = slurp("/proc/net/snmp"))) {
		print_line("snmp Ip", strstr(buf, "Ip: "), 0);
		print_line("snmp Tcp", strstr(buf, "Tcp: "), 0);
		print_line("snmp Udp", strstr(buf, "Udp: "), 0);
	}

	/* unix sockets: a listener on a path, an abstract one, a pair. */
	snprintf(path, sizeof(path), "/tmp/procnet_%d.sock", getpid());
	unlink(path);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	if (bind(l, (struct sockaddr *)&un, sizeof(un)) < 0 || listen(l, 4) < 0)
		printf("bind: %s\n", strerror(errno));
	unix_line("unix listener", l, path);
	close(l);
	unlink(path);
	l = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(un.sun_path, 0, sizeof(un.sun_path));
	n = snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "procnet_%d", getpid());
	if (bind(l, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path) + 1 + n) < 0)
		printf("bind abstract: %s\n", strerror(errno));
	snprintf(want, sizeof(want), "@procnet_%d", getpid());
	unix_line("unix abstract dgram", l, want);
	close(l);
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp);
	unix_line("unix pair", sp[0], "");
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	unix_line("unix unbound", l, "");

	/* UDP: bound, connected, IPv6. */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	bind(u, (struct sockaddr *)&in, sizeof(in));
	udp_line("udp bound", u, AF_INET);
	uc = socket(AF_INET, SOCK_DGRAM, 0);
	len = sizeof(in);
	getsockname(u, (struct sockaddr *)&in, &len);
	connect(uc, (struct sockaddr *)&in, sizeof(in));
	udp_line("udp connected", uc, AF_INET);
	u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (bind(u6, (struct sockaddr *)&in6, sizeof(in6)) == 0)
		udp_line("udp6 bound", u6, AF_INET6);
	else
		printf("udp6 bind: %s\n", strerror(errno));

	/* The same table through /proc/self/net. */
	if ((buf = slurp("/proc/self/net/unix")))
		print_line("self/net/unix header", buf, 0);
	return 0;
}
