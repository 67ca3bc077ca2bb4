/* Unit tests of the terminal line discipline (fs/tty.c): canonical
 * editing and echo, signal characters, input and output processing,
 * buffer limits. The pty and job-control half is covered by the
 * tests/syscalls/tty conformance programs. */
#define _GNU_SOURCE
#include "fs/tty.h"
#include "fs/vfs.h"
#include "sentry/hooks.h"
#include "sentry/task.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

/* The sentry services fs/tty.c links against, unused by the ldisc. */
struct task_hooks task_hooks;
void waitq_init(struct waitq *q) { (void)q; }
void waitq_add(struct waitq *q, struct waiter *w, struct task *t) { (void)q; (void)w; (void)t; }
void waitq_del(struct waiter *w) { (void)w; }
void waitq_wake_all(struct waitq *q) { (void)q; }
int task_sleep(struct task *t, const struct timespec *d) { (void)t; (void)d; return -EINTR; }
int sig_send_tg(struct thread_group *tg, int sig, const siginfo_t *i) { (void)tg; (void)sig; (void)i; return 0; }
void for_each_tg(void (*fn)(struct thread_group *, void *), void *arg) { (void)fn; (void)arg; }
int copy_from_guest(struct task *t, void *d, uint64_t s, size_t n) { (void)t; (void)d; (void)s; (void)n; return -EFAULT; }
int copy_to_guest(struct task *t, uint64_t d, const void *s, size_t n) { (void)t; (void)d; (void)s; (void)n; return -EFAULT; }
bool capable(struct task *t, int cap) { (void)t; (void)cap; return false; }
uint64_t now_ns(clockid_t c) { (void)c; return 0; }
void vfs_fill_stat(struct inode *i, struct stat *st) { (void)i; (void)st; }
struct inode *file_inode(struct file *f) { (void)f; return NULL; }
struct kernel kernel;
bool host_console_present(void) { return false; }
int host_console_open(struct task *t, struct file *f) { (void)t; (void)f; return -ENXIO; }

static struct tty_ldisc *L;

static void setup(void)
{
	L = malloc(sizeof(*L));
	tty_ldisc_init(L);
}

static void teardown(void)
{
	free(L);
}

static uint64_t type(const char *s)
{
	uint64_t sigs = 0;
	size_t n = strlen(s);

	ck_assert_uint_eq(tty_ldisc_receive(L, (const uint8_t *)s, n, &sigs), n);
	return sigs;
}

/* Everything the master would read now, as a string. */
static const char *out(void)
{
	static char buf[TTY_OUT_CAP + 1];
	size_t n = tty_ldisc_out_read(L, (uint8_t *)buf, sizeof(buf) - 1);

	buf[n] = 0;
	return buf;
}

static const char *line(void)
{
	static char buf[TTY_IN_SIZE + 1];
	bool eof, again;
	size_t n = tty_ldisc_read_canon(L, (uint8_t *)buf, sizeof(buf) - 1, &eof, &again);

	buf[n] = 0;
	return buf;
}

START_TEST(canon_line)
{
	type("hello");
	ck_assert(!tty_ldisc_readable(L));
	ck_assert_str_eq(out(), "hello");
	type("\r");
	ck_assert(tty_ldisc_readable(L));
	ck_assert_uint_eq(tty_ldisc_inq(L), 6);
	ck_assert_str_eq(line(), "hello\n");
	ck_assert_str_eq(out(), "\r\n");
	ck_assert(!tty_ldisc_readable(L));
}
END_TEST

START_TEST(canon_short_reads)
{
	uint8_t b[4];
	bool eof, again;

	type("abcdef\n");
	ck_assert_uint_eq(tty_ldisc_read_canon(L, b, 4, &eof, &again), 4);
	ck_assert(!memcmp(b, "abcd", 4));
	ck_assert_str_eq(line(), "ef\n");
}
END_TEST

START_TEST(erase_kill_werase)
{
	type("abc\177d\n");
	ck_assert_str_eq(out(), "abc\b \bd\r\n");
	ck_assert_str_eq(line(), "abd\n");
	type("one two\027three\n");
	ck_assert_str_eq(line(), "one three\n");
	out();
	type("xyz\025q\n");
	ck_assert_str_eq(line(), "q\n");
	/* ECHOKE: the killed line is backed over. */
	ck_assert_str_eq(out(), "xyz\b \b\b \b\b \bq\r\n");
}
END_TEST

START_TEST(erase_without_echoe)
{
	L->termios.c_lflag &= ~(ECHOE | ECHOKE);
	type("ab\177");
	ck_assert_str_eq(out(), "ab^?");
	type("c\025");
	/* ECHOK without ECHOKE: the kill character and a newline. */
	ck_assert_str_eq(out(), "c^U\r\n");
}
END_TEST

START_TEST(erase_ctrl_and_tab)
{
	type("a\001\177");
	/* ^A took two columns: two backspace sequences. */
	ck_assert_str_eq(out(), "a^A\b \b\b \b");
	type("\t\177");
	/* From column 1, the TAB reached column 8: seven backspaces. */
	ck_assert_str_eq(out(), "\t\b\b\b\b\b\b\b");
}
END_TEST

START_TEST(eof_char)
{
	bool eof, again;
	uint8_t b[8];

	type("ab\004");
	ck_assert_str_eq(out(), "ab");
	ck_assert_uint_eq(tty_ldisc_read_canon(L, b, 8, &eof, &again), 2);
	ck_assert(eof);
	type("\004");
	ck_assert_uint_eq(tty_ldisc_read_canon(L, b, 8, &eof, &again), 0);
	ck_assert(eof && !again);
}
END_TEST

START_TEST(isig)
{
	uint64_t s;

	type("partial");
	out();
	s = type("\003");
	ck_assert_uint_eq(s, 1ull << (SIGINT - 1));
	ck_assert_str_eq(out(), "^C");
	/* Without NOFLSH the pending input is gone. */
	type("\n");
	ck_assert_str_eq(line(), "\n");
	ck_assert_uint_eq(type("\034"), 1ull << (SIGQUIT - 1));
	ck_assert_uint_eq(type("\032"), 1ull << (SIGTSTP - 1));
	L->termios.c_lflag &= ~ISIG;
	ck_assert_uint_eq(type("\003"), 0);
}
END_TEST

START_TEST(input_translation)
{
	L->termios.c_iflag = INLCR | ISTRIP;
	type("a\n\xe1\r");
	/* INLCR: NL->CR, no ICRNL so CR stays: no line delimiter yet. */
	ck_assert(!tty_ldisc_readable(L));
	L->termios.c_iflag = IGNCR;
	type("b\r\n");
	ck_assert_str_eq(line(), "a\ra\rb\n");
}
END_TEST

START_TEST(output_processing)
{
	const char *s = "x\ny\r";

	ck_assert_uint_eq(tty_ldisc_write(L, (const uint8_t *)s, 4), 4);
	ck_assert_str_eq(out(), "x\r\ny\r");
	L->termios.c_oflag = OPOST | OCRNL | XTABS | OLCUC;
	s = "ab\tc\r";
	tty_ldisc_write(L, (const uint8_t *)s, 5);
	ck_assert_str_eq(out(), "AB      C\n");
	L->termios.c_oflag = 0;
	tty_ldisc_write(L, (const uint8_t *)"\n", 1);
	ck_assert_str_eq(out(), "\n");
}
END_TEST

START_TEST(raw_mode)
{
	struct ktermios t = L->termios;
	uint8_t b[16];

	type("ab");
	t.c_lflag &= ~(ICANON | ECHO);
	tty_ldisc_set_termios(L, &t);
	/* The partial line became readable. */
	ck_assert_uint_eq(tty_ldisc_inq(L), 2);
	type("\177\025c");
	ck_assert_uint_eq(tty_ldisc_read_raw(L, b, sizeof(b)), 5);
	ck_assert(!memcmp(b, "ab\177\025c", 5));
}
END_TEST

START_TEST(echo_flags)
{
	L->termios.c_lflag &= ~ECHO;
	L->termios.c_lflag |= ECHONL;
	type("secret\n");
	ck_assert_str_eq(out(), "\r\n");
	L->termios.c_lflag |= ECHO;
	L->termios.c_lflag &= ~ECHOCTL;
	type("\001");
	ck_assert_str_eq(out(), "\001");
}
END_TEST

START_TEST(lnext_and_reprint)
{
	type("a\026\003b");
	ck_assert_str_eq(out(), "a^\b^Cb");
	type("\022");
	ck_assert_str_eq(out(), "^R\r\na^Cb");
	type("\n");
	ck_assert_str_eq(line(), "a\003b\n");
}
END_TEST

START_TEST(flow_control)
{
	uint8_t b[8];

	type("\023");
	tty_ldisc_write(L, (const uint8_t *)"zz", 2);
	ck_assert_uint_eq(tty_ldisc_out_read(L, b, 8), 0);
	type("\021");
	ck_assert_uint_eq(tty_ldisc_out_read(L, b, 8), 2);
}
END_TEST

START_TEST(limits)
{
	static uint8_t big[TTY_IN_SIZE + 100];
	uint64_t sigs = 0;

	memset(big, 'x', sizeof(big));
	L->termios.c_lflag &= ~ECHO;
	/* Canonical: a too long line is cut, the newline still ends it. */
	ck_assert_uint_eq(tty_ldisc_receive(L, big, sizeof(big), &sigs), sizeof(big));
	type("\n");
	ck_assert_uint_eq(strlen(line()), TTY_IN_SIZE);
	/* Canonical with whole lines queued: a full buffer takes nothing
	 * more (the writer waits for a reader) instead of dropping. */
	{
		static uint8_t lines[TTY_IN_SIZE];

		memset(lines, 'y', sizeof(lines));
		for (size_t i = 63; i < sizeof(lines); i += 64)
			lines[i] = '\n';
		ck_assert_uint_eq(tty_ldisc_receive(L, lines, sizeof(lines), &sigs), TTY_IN_SIZE);
		ck_assert_uint_eq(tty_ldisc_receive(L, lines, 1, &sigs), 0);
		ck_assert_str_eq(line(), "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n");
		ck_assert_uint_eq(tty_ldisc_receive(L, lines, 1, &sigs), 1);
		tty_ldisc_flush_in(L);
	}
	/* Raw: input stops at the buffer size, the writer would wait. */
	L->termios.c_lflag &= ~ICANON;
	ck_assert_uint_eq(tty_ldisc_receive(L, big, sizeof(big), &sigs), TTY_IN_SIZE);
	/* Output stops at TTY_OUT_MAX. */
	L->termios.c_oflag = 0;
	{
		static uint8_t o[TTY_OUT_MAX + 10];

		ck_assert_uint_eq(tty_ldisc_write(L, o, sizeof(o)), TTY_OUT_MAX);
	}
}
END_TEST

/* Hostile input: random bytes under random settings, interleaved with
 * reads, writes and mode changes; the queues must stay within bounds
 * (the sanitizer build checks the memory accesses). */
START_TEST(random_input)
{
	static const uint32_t lflags[] = { ISIG, ICANON, ECHO, ECHOE, ECHOK, ECHONL, ECHOCTL,
					   ECHOPRT, ECHOKE, NOFLSH, IEXTEN, TOSTOP };
	static const uint32_t iflags[] = { ICRNL, INLCR, IGNCR, ISTRIP, IUCLC, IXON, IXANY, IUTF8 };
	static const uint32_t oflags[] = { OPOST, ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS };
	unsigned int seed = 12345;
	uint8_t buf[512];

	for (int round = 0; round < 20000; round++) {
		int op = rand_r(&seed) % 8;
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));
		uint64_t sigs = 0;
		bool eof, again;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(rand_r(&seed) % 4 ? rand_r(&seed) % 32 + (rand_r(&seed) % 2) * 96
							      : rand_r(&seed));
		switch (op) {
		case 0:
		case 1:
		case 2:
			tty_ldisc_receive(L, buf, n, &sigs);
			break;
		case 3:
			tty_ldisc_write(L, buf, n);
			break;
		case 4:
			tty_ldisc_read_canon(L, buf, n, &eof, &again);
			break;
		case 5:
			tty_ldisc_read_raw(L, buf, n);
			break;
		case 6:
			tty_ldisc_out_read(L, buf, n);
			break;
		default: {
			struct ktermios t = L->termios;

			t.c_lflag ^= lflags[rand_r(&seed) % 12];
			t.c_iflag ^= iflags[rand_r(&seed) % 8];
			t.c_oflag ^= oflags[rand_r(&seed) % 7];
			t.c_cc[rand_r(&seed) % KNCCS] = (uint8_t)rand_r(&seed);
			tty_ldisc_set_termios(L, &t);
		}
		}
		ck_assert_uint_le(L->in_commit, L->in_len);
		ck_assert_uint_le(L->in_len, TTY_IN_SIZE);
		ck_assert_uint_le(L->out_len, TTY_OUT_CAP);
		ck_assert_uint_le(tty_ldisc_inq(L), L->in_len);
	}
}
END_TEST

static Suite *tty_suite(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("ldisc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, canon_line);
	tcase_add_test(tc, canon_short_reads);
	tcase_add_test(tc, erase_kill_werase);
	tcase_add_test(tc, erase_without_echoe);
	tcase_add_test(tc, erase_ctrl_and_tab);
	tcase_add_test(tc, eof_char);
	tcase_add_test(tc, isig);
	tcase_add_test(tc, input_translation);
	tcase_add_test(tc, output_processing);
	tcase_add_test(tc, raw_mode);
	tcase_add_test(tc, echo_flags);
	tcase_add_test(tc, lnext_and_reprint);
	tcase_add_test(tc, flow_control);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, random_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tty_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
