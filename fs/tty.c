/* Terminals: the n_tty line discipline and pseudo-terminal pairs with
 * job control. Linux behaviour matched: drivers/tty/n_tty.c (editing,
 * echo, signals, VMIN/VTIME), drivers/tty/tty_jobctrl.c (controlling
 * terminals, SIGTTIN/SIGTTOU) and drivers/tty/pty.c (pairs, hangup). */
#define _GNU_SOURCE
#include "fs/tty.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sentry/hooks.h"
#include "sentry/task.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <linux/capability.h>

#ifndef BOTHER
#define BOTHER 0010000
#endif
#ifndef IBSHIFT
#define IBSHIFT 16
#endif

/* ------------------------------------------------------ the line discipline */

#define CC(l, i) ((l)->termios.c_cc[i])
#define I_(l, f) ((l)->termios.c_iflag & (f))
#define O_(l, f) ((l)->termios.c_oflag & (f))
#define L_(l, f) ((l)->termios.c_lflag & (f))

/* The control characters of tty_std_termios, in c_cc order: ^C ^\ DEL ^U
 * ^D, TIME 0, MIN 1, SWTC 0, ^Q ^S ^Z, EOL 0, ^R ^O ^W ^V, EOL2 0. */
static const uint8_t std_cc[KNCCS] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22,
				       0 };

void tty_ldisc_init(struct tty_ldisc *l)
{
	memset(l, 0, sizeof(*l));
	l->termios.c_iflag = ICRNL | IXON;
	l->termios.c_oflag = OPOST | ONLCR;
	l->termios.c_cflag = B38400 | CS8 | CREAD;
	l->termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(l->termios.c_cc, std_cc, KNCCS);
	l->ispeed = l->ospeed = 38400;
}

/* A disabled control character is _POSIX_VDISABLE (0): never matches. */
static bool is_cc(const struct tty_ldisc *l, int idx, uint8_t c)
{
	return CC(l, idx) != 0 && CC(l, idx) == c;
}

static bool is_utf8_cont(const struct tty_ldisc *l, uint8_t c)
{
	return I_(l, IUTF8) && (c & 0xc0) == 0x80;
}

static uint32_t out_room(const struct tty_ldisc *l, uint32_t limit)
{
	return l->out_len >= limit ? 0 : limit - l->out_len;
}

static void out_put(struct tty_ldisc *l, uint8_t c)
{
	if (l->out_len >= TTY_OUT_CAP)
		return;
	l->out[(l->out_head + l->out_len) % TTY_OUT_CAP] = c;
	l->out_len++;
}

/* One byte through output processing (OPOST), keeping the column as
 * Linux's do_output_char does. limit bounds the queue; returns false
 * when the byte (with its expansion) does not fit. */
static bool out_char(struct tty_ldisc *l, uint8_t c, uint32_t limit)
{
	uint32_t room = out_room(l, limit);

	if (!room)
		return false;
	if (!O_(l, OPOST)) {
		out_put(l, c);
		return true;
	}
	switch (c) {
	case '\n':
		if (O_(l, ONLRET))
			l->column = 0;
		if (O_(l, ONLCR)) {
			if (room < 2)
				return false;
			l->column = 0;
			out_put(l, '\r');
		}
		break;
	case '\r':
		if (O_(l, ONOCR) && l->column == 0)
			return true;
		if (O_(l, OCRNL)) {
			c = '\n';
			if (O_(l, ONLRET))
				l->column = 0;
			break;
		}
		l->column = 0;
		break;
	case '\t': {
		uint32_t spaces = 8 - (l->column & 7);

		if ((l->termios.c_oflag & TABDLY) == XTABS) {
			if (room < spaces)
				return false;
			l->column += spaces;
			while (spaces--)
				out_put(l, ' ');
			return true;
		}
		l->column += spaces;
		break;
	}
	case '\b':
		if (l->column > 0)
			l->column--;
		break;
	default:
		if (c >= 0x20 && c != 0x7f) {
			if (O_(l, OLCUC) && c >= 'a' && c <= 'z')
				c = (uint8_t)(c - 'a' + 'A');
			if (!is_utf8_cont(l, c))
				l->column++;
		}
		break;
	}
	out_put(l, c);
	return true;
}

static void echo_raw(struct tty_ldisc *l, uint8_t c)
{
	out_char(l, c, TTY_OUT_CAP);
}

static bool is_ctrl(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

/* Echo a typed byte: with ECHOCTL a control character other than TAB
 * (and the newline, which callers echo raw) shows as ^X. */
static void echo_char(struct tty_ldisc *l, uint8_t c)
{
	if (L_(l, ECHOCTL) && is_ctrl(c) && c != '\t') {
		if (out_room(l, TTY_OUT_CAP) < 2)
			return;
		out_put(l, '^');
		out_put(l, c ^ 0100);
		l->column += 2;
		return;
	}
	echo_raw(l, c);
}

static void finish_erasing(struct tty_ldisc *l)
{
	if (l->erasing) {
		echo_raw(l, '/');
		l->erasing = false;
	}
}

/* Before echoing the first byte of a line, remember where it starts so
 * a later erase of a TAB knows how far to back up. */
static void echo_line_start(struct tty_ldisc *l)
{
	if (l->in_len == l->in_commit)
		l->canon_column = l->column;
}

static uint16_t in_at(const struct tty_ldisc *l, uint32_t i)
{
	return l->in[(l->in_head + i) % TTY_IN_SIZE];
}

static void in_put(struct tty_ldisc *l, uint16_t v)
{
	l->in[(l->in_head + l->in_len) % TTY_IN_SIZE] = v;
	l->in_len++;
}

static void in_commit(struct tty_ldisc *l)
{
	l->in_commit = l->in_len;
}

static void echo_bs(struct tty_ldisc *l)
{
	echo_raw(l, '\b');
	echo_raw(l, ' ');
	echo_raw(l, '\b');
}

enum { ERASE_CHAR, WERASE_CHAR, KILL_CHAR };

/* VERASE, VWERASE and VKILL on the uncommitted part of the line (n_tty's
 * eraser): ECHOPRT prints what is erased between \ and /, ECHOE backs
 * over it, otherwise the erase character itself is echoed. */
static void eraser(struct tty_ldisc *l, uint8_t ch, int kind)
{
	bool seen_alnum = false;

	if (l->in_len == l->in_commit)
		return;
	if (kind == KILL_CHAR) {
		if (!L_(l, ECHO)) {
			l->in_len = l->in_commit;
			return;
		}
		if (!L_(l, ECHOK) || !L_(l, ECHOKE) || !L_(l, ECHOE)) {
			l->in_len = l->in_commit;
			finish_erasing(l);
			echo_char(l, ch);
			if (L_(l, ECHOK))
				echo_raw(l, '\n');
			return;
		}
	}
	while (l->in_len > l->in_commit) {
		uint32_t end = l->in_len, cnt;
		uint8_t c;

		/* A UTF-8 character goes whole under IUTF8. */
		do {
			end--;
			c = (uint8_t)in_at(l, end);
		} while (is_utf8_cont(l, c) && end > l->in_commit);
		cnt = l->in_len - end;
		if (kind == WERASE_CHAR) {
			/* isalnum of the kernel's Latin-1 ctype (so the lead
			 * byte of a UTF-8 letter counts), or '_'. */
			bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
				    (c >= 'A' && c <= 'Z') || c == '_' ||
				    (c >= 0xc0 && c != 0xd7 && c != 0xf7);

			if (word)
				seen_alnum = true;
			else if (seen_alnum)
				break;
		}
		l->in_len = end;
		if (L_(l, ECHO)) {
			if (L_(l, ECHOPRT)) {
				if (!l->erasing) {
					echo_raw(l, '\\');
					l->erasing = true;
				}
				echo_char(l, c);
				for (uint32_t i = 1; i < cnt; i++)
					echo_raw(l, (uint8_t)in_at(l, end + i));
			} else if (kind == ERASE_CHAR && !L_(l, ECHOE)) {
				echo_char(l, CC(l, VERASE));
			} else if (c == '\t') {
				/* Columns used since the line start or the
				 * previous TAB decide how far the TAB reached. */
				uint32_t cols = 0, nbs;
				bool after_tab = false;

				for (uint32_t i = end; i > l->in_commit; i--) {
					uint8_t p = (uint8_t)in_at(l, i - 1);

					if (p == '\t') {
						after_tab = true;
						break;
					}
					if (is_ctrl(p)) {
						if (L_(l, ECHOCTL))
							cols += 2;
					} else if (!is_utf8_cont(l, p)) {
						cols++;
					}
				}
				if (!after_tab)
					cols += l->canon_column;
				nbs = 8 - (cols & 7);
				while (nbs--)
					echo_raw(l, '\b');
			} else {
				if (is_ctrl(c) && L_(l, ECHOCTL))
					echo_bs(l);
				if (!is_ctrl(c) || L_(l, ECHOCTL))
					echo_bs(l);
			}
		}
		if (kind == ERASE_CHAR)
			break;
	}
	if (l->in_len == l->in_commit && L_(l, ECHO))
		finish_erasing(l);
}

/* Room for one more input entry: canonical mode keeps the last slot for
 * a line delimiter so a full line can still be ended. */
static bool in_room(const struct tty_ldisc *l, bool delim)
{
	if (L_(l, ICANON) && !delim)
		return l->in_len < TTY_IN_SIZE - 1;
	return l->in_len < TTY_IN_SIZE;
}

/* Returns false if c could not be queued for lack of room (the caller
 * stops taking bytes). */
static bool receive_char(struct tty_ldisc *l, uint8_t c, uint64_t *sigs)
{
	bool canon = L_(l, ICANON);

	if (I_(l, ISTRIP))
		c &= 0x7f;
	if (I_(l, IUCLC) && L_(l, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');

	if (l->lnext) {
		/* The byte after VLNEXT is taken literally. */
		if (!in_room(l, false))
			return !canon ? false : true;
		l->lnext = false;
		if (L_(l, ECHO)) {
			finish_erasing(l);
			echo_line_start(l);
			echo_char(l, c);
		}
		in_put(l, c);
		if (!canon)
			in_commit(l);
		return true;
	}

	if (I_(l, IXON)) {
		if (is_cc(l, VSTART, c)) {
			if (!l->tco_stopped)
				l->stopped = false;
			return true;
		}
		if (is_cc(l, VSTOP, c)) {
			l->stopped = true;
			return true;
		}
	}
	if (L_(l, ISIG)) {
		int sig = is_cc(l, VINTR, c) ? SIGINT : is_cc(l, VQUIT, c) ? SIGQUIT
			: is_cc(l, VSUSP, c) ? SIGTSTP : 0;

		if (sig) {
			*sigs |= 1ull << (sig - 1);
			if (!L_(l, NOFLSH)) {
				/* Linux drops the input and the echoes of this
				 * batch not yet handed to the master. */
				tty_ldisc_flush_in(l);
				if (l->out_len > l->echo_mark)
					l->out_len = l->echo_mark;
			}
			if (I_(l, IXON) && !l->tco_stopped)
				l->stopped = false;
			if (L_(l, ECHO))
				echo_char(l, c);
			return true;
		}
	}
	if (l->stopped && !l->tco_stopped && I_(l, IXON) && I_(l, IXANY))
		l->stopped = false;

	if (c == '\r') {
		if (I_(l, IGNCR))
			return true;
		if (I_(l, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_(l, INLCR)) {
		c = '\r';
	}

	if (canon) {
		bool iext = L_(l, IEXTEN);
		uint16_t flag = TTY_IN_DELIM;

		if (is_cc(l, VERASE, c) || is_cc(l, VKILL, c) || (iext && is_cc(l, VWERASE, c))) {
			eraser(l, c, is_cc(l, VERASE, c) ? ERASE_CHAR
				     : is_cc(l, VKILL, c) ? KILL_CHAR : WERASE_CHAR);
			return true;
		}
		if (iext && is_cc(l, VLNEXT, c)) {
			l->lnext = true;
			if (L_(l, ECHO)) {
				finish_erasing(l);
				if (L_(l, ECHOCTL)) {
					echo_raw(l, '^');
					echo_raw(l, '\b');
				}
			}
			return true;
		}
		if (iext && L_(l, ECHO) && is_cc(l, VREPRINT, c)) {
			finish_erasing(l);
			echo_char(l, c);
			echo_raw(l, '\n');
			for (uint32_t i = l->in_commit; i < l->in_len; i++)
				echo_char(l, (uint8_t)in_at(l, i));
			return true;
		}
		if (c == '\n' || is_cc(l, VEOF, c) || is_cc(l, VEOL, c) ||
		    (iext && is_cc(l, VEOL2, c))) {
			if (!in_room(l, true))
				return false;
			if (c == '\n') {
				if (L_(l, ECHO) || L_(l, ECHONL))
					echo_raw(l, '\n');
			} else if (is_cc(l, VEOF, c)) {
				/* Not echoed, never read: it only ends the read. */
				flag |= TTY_IN_EOF;
			} else if (L_(l, ECHO)) {
				echo_line_start(l);
				echo_char(l, c);
			}
			if (L_(l, ECHO))
				finish_erasing(l);
			in_put(l, (uint16_t)(c | flag));
			in_commit(l);
			return true;
		}
		if (!in_room(l, false))
			/* No room: wait for a reader while there are lines to
			 * read; a single over-long line drops what does not
			 * fit (Linux's n_tty overflow rule). */
			return l->in_commit == 0;
	} else if (!in_room(l, false)) {
		return false;
	}
	if (L_(l, ECHO)) {
		finish_erasing(l);
		if (c == '\n') {
			echo_raw(l, '\n');
		} else {
			echo_line_start(l);
			echo_char(l, c);
		}
	}
	in_put(l, c);
	if (!canon)
		in_commit(l);
	return true;
}

size_t tty_ldisc_receive(struct tty_ldisc *l, const uint8_t *buf, size_t n, uint64_t *sigs)
{
	size_t i;

	l->echo_mark = l->out_len;
	for (i = 0; i < n; i++)
		if (!receive_char(l, buf[i], sigs))
			break;
	return i;
}

bool tty_ldisc_readable(const struct tty_ldisc *l)
{
	return l->in_commit > 0;
}

uint32_t tty_ldisc_inq(const struct tty_ldisc *l)
{
	uint32_t n = 0;

	if (!L_(l, ICANON))
		return l->in_commit;
	/* EOF marks are not data. */
	for (uint32_t i = 0; i < l->in_commit; i++)
		if (!(in_at(l, i) & TTY_IN_EOF))
			n++;
	return n;
}

static void in_consume(struct tty_ldisc *l, uint32_t cnt)
{
	l->in_head = (l->in_head + cnt) % TTY_IN_SIZE;
	l->in_len -= cnt;
	l->in_commit -= cnt;
}

size_t tty_ldisc_read_canon(struct tty_ldisc *l, uint8_t *buf, size_t n, bool *eof, bool *again)
{
	uint32_t i, take, copy = 0;
	bool found = false;

	*eof = *again = false;
	for (i = 0; i < l->in_commit; i++) {
		if (in_at(l, i) & TTY_IN_DELIM) {
			found = true;
			break;
		}
	}
	/* take: entries to consume; the delimiter only if it fits. */
	take = found ? i + 1 : l->in_commit;
	if (take > n) {
		take = (uint32_t)n;
		found = false;
	}
	for (uint32_t k = 0; k < take; k++) {
		uint16_t v = in_at(l, k);

		if (v & TTY_IN_EOF)
			continue;
		buf[copy++] = (uint8_t)v;
	}
	if (found && (in_at(l, take - 1) & TTY_IN_EOF)) {
		*eof = true;
		/* An EOF mark ending a line already partly read is not end
		 * of file: the reader waits for more. */
		if (!copy && l->line_start)
			*again = true;
	}
	in_consume(l, take);
	l->line_start = found ? 0 : l->line_start + take;
	return copy;
}

size_t tty_ldisc_read_raw(struct tty_ldisc *l, uint8_t *buf, size_t n)
{
	uint32_t take = l->in_commit < n ? l->in_commit : (uint32_t)n;

	for (uint32_t k = 0; k < take; k++)
		buf[k] = (uint8_t)in_at(l, k);
	in_consume(l, take);
	return take;
}

size_t tty_ldisc_write(struct tty_ldisc *l, const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!out_char(l, buf[i], TTY_OUT_MAX))
			break;
	return i;
}

size_t tty_ldisc_out_read(struct tty_ldisc *l, uint8_t *buf, size_t n)
{
	uint32_t take;

	if (l->stopped)
		return 0;
	take = l->out_len < n ? l->out_len : (uint32_t)n;
	for (uint32_t k = 0; k < take; k++)
		buf[k] = l->out[(l->out_head + k) % TTY_OUT_CAP];
	l->out_head = (l->out_head + take) % TTY_OUT_CAP;
	l->out_len -= take;
	return take;
}

uint32_t tty_ldisc_outq(const struct tty_ldisc *l)
{
	return l->out_len;
}

void tty_ldisc_flush_in(struct tty_ldisc *l)
{
	l->in_head = l->in_len = l->in_commit = l->line_start = 0;
	l->lnext = l->erasing = false;
}

void tty_ldisc_flush_out(struct tty_ldisc *l)
{
	l->out_head = l->out_len = 0;
}

void tty_ldisc_set_termios(struct tty_ldisc *l, const struct ktermios *t)
{
	bool was_canon = L_(l, ICANON);

	l->termios = *t;
	if (was_canon != !!L_(l, ICANON)) {
		/* Everything queued becomes readable, as Linux's
		 * n_tty_set_termios; a partial line becomes a line. */
		in_commit(l);
		l->erasing = false;
		l->lnext = false;
	}
	if (!I_(l, IXON) && !l->tco_stopped)
		l->stopped = false;
}
/* ------------------------------------------------------------- pty pairs */

/* Master input beyond the line discipline's buffer: with it about as
 * much as Linux takes before a master write waits. */
#define PTY_FLIP_MAX 16384u

/* One pair: the master file, any number of slave files and the line
 * discipline between them. Owned by its references: the master open
 * (pty_new's) and one per open slave file. Controlling-terminal pointers
 * (thread_group.ctty) are weak: they are cleared when the master closes,
 * and a pair lives as long as its master. */
struct pty {
	int refs;
	int index;
	struct tty_ldisc ld;
	struct kwinsize ws;
	struct waitq wq;        /* readers, writers and pollers of both ends */
	bool master_open;
	int slave_opens;
	bool slave_opened_once;
	bool locked;            /* TIOCSPTLCK: slave opens fail with EIO */
	bool excl;              /* TIOCEXCL on the slave */
	bool master_excl;
	bool pkt;               /* TIOCPKT on the master */
	uint8_t pkt_status;     /* TIOCPKT_* events not yet read */
	int pgrp, sid;          /* foreground process group, session (0: none) */
	const struct pty_owner_ops *ops;
	void *owner;
	/* Bytes the master wrote that the line discipline has no room for
	 * yet (Linux's flip buffers): taken in as readers make room. */
	uint8_t flip[PTY_FLIP_MAX];
	uint32_t flip_head, flip_len;
};

static const struct file_ops pty_master_ops, pty_slave_ops;

struct pty *pty_new(int index, const struct pty_owner_ops *ops, void *owner)
{
	struct pty *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->refs = 1;
	p->index = index;
	tty_ldisc_init(&p->ld);
	waitq_init(&p->wq);
	p->locked = true;
	p->master_open = true;
	p->ops = ops;
	p->owner = owner;
	return p;
}

int pty_index(const struct pty *p)
{
	return p->index;
}

bool pty_alive(const struct pty *p)
{
	return p->master_open;
}

void pty_get(struct pty *p)
{
	p->refs++;
}

void pty_put(struct pty *p)
{
	if (--p->refs)
		return;
	free(p);
}

static void pty_wake(struct pty *p)
{
	waitq_wake_all(&p->wq);
}

static void pkt_event(struct pty *p, uint8_t ev)
{
	if (p->pkt) {
		p->pkt_status |= ev;
		pty_wake(p);
	}
}

/* ---- job control ---- */

struct pg_signal {
	int pgrp, sig;
	bool orphaned;
};

static void pgrp_kill_fn(struct thread_group *tg, void *arg)
{
	struct pg_signal *s = arg;

	if (!tg->zombie && tg->live_threads > 0 && tg->pgid == s->pgrp)
		sig_send_tg(tg, s->sig, NULL);
}

static void pgrp_kill(int pgrp, int sig)
{
	struct pg_signal s = { .pgrp = pgrp, .sig = sig };

	if (pgrp > 0)
		for_each_tg(pgrp_kill_fn, &s);
}

/* POSIX: a process group is orphaned when no member has a parent in
 * another process group of the same session. */
static void orphan_fn(struct thread_group *tg, void *arg)
{
	struct pg_signal *s = arg;
	struct thread_group *par = tg->parent;

	if (tg->zombie || tg->pgid != s->pgrp)
		return;
	if (par && !par->zombie && par->pgid != s->pgrp && par->sid == tg->sid)
		s->orphaned = false;
}

static bool pgrp_orphaned(int pgrp)
{
	struct pg_signal s = { .pgrp = pgrp, .orphaned = true };

	for_each_tg(orphan_fn, &s);
	return s.orphaned;
}

static bool sig_ignored_or_blocked(struct task *t, int sig)
{
	struct sighand *sh = t->sighand;

	if (t->blocked & SIGBIT(sig))
		return true;
	return sh && sh->action[sig - 1].handler == (uint64_t)(uintptr_t)SIG_IGN;
}

/* Linux's __tty_check_change: a background process touching its
 * controlling terminal gets sig (SIGTTIN for reads, SIGTTOU for writes
 * with TOSTOP and for changes), or EIO in an orphaned group. */
static int job_check(struct task *t, struct pty *p, int sig)
{
	int pg = t->tg->pgid;

	if (t->tg->ctty != p || !p->pgrp || pg == p->pgrp)
		return 0;
	if (sig_ignored_or_blocked(t, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(pg))
		return -EIO;
	pgrp_kill(pg, sig);
	return -ERESTARTSYS;
}

static void send_sigs(struct pty *p, uint64_t sigs)
{
	for (int s = 1; s <= 64; s++)
		if (sigs & (1ull << (s - 1)))
			pgrp_kill(p->pgrp, s);
}

/* Bytes typed on the master (or pushed by TIOCSTI) through the line
 * discipline: signals for the foreground group, and the packet-mode
 * events Linux reports for them (a flush by a signal character, output
 * stopped or restarted by VSTOP/VSTART). Returns the bytes taken. */
static size_t pty_input(struct pty *p, const uint8_t *buf, size_t n)
{
	bool was_stopped = p->ld.stopped;
	uint64_t sigs = 0;
	size_t c = tty_ldisc_receive(&p->ld, buf, n, &sigs);

	if (sigs) {
		if (!(p->ld.termios.c_lflag & NOFLSH))
			pkt_event(p, TIOCPKT_FLUSHREAD);
		send_sigs(p, sigs);
	}
	if (was_stopped != p->ld.stopped) {
		p->pkt_status &= (uint8_t)~(TIOCPKT_STOP | TIOCPKT_START);
		pkt_event(p, p->ld.stopped ? TIOCPKT_STOP : TIOCPKT_START);
	}
	return c;
}

/* Move pending master input into the line discipline as far as it
 * takes it; true if anything moved. */
static bool flip_drain(struct pty *p)
{
	bool moved = false;

	while (p->flip_len) {
		uint32_t chunk = PTY_FLIP_MAX - p->flip_head;
		size_t c;

		if (chunk > p->flip_len)
			chunk = p->flip_len;
		c = pty_input(p, p->flip + p->flip_head, chunk);
		if (!c)
			break;
		moved = true;
		p->flip_head = (uint32_t)((p->flip_head + c) % PTY_FLIP_MAX);
		p->flip_len -= (uint32_t)c;
	}
	if (moved)
		pty_wake(p);
	return moved;
}

static size_t flip_put(struct pty *p, const uint8_t *src, size_t n)
{
	size_t done = 0;

	while (done < n && p->flip_len < PTY_FLIP_MAX) {
		uint32_t tail = (p->flip_head + p->flip_len) % PTY_FLIP_MAX;
		uint32_t chunk = PTY_FLIP_MAX - tail;    /* contiguous from tail */

		if (chunk > PTY_FLIP_MAX - p->flip_len)
			chunk = PTY_FLIP_MAX - p->flip_len;
		if (chunk > n - done)
			chunk = (uint32_t)(n - done);
		memcpy(p->flip + tail, src + done, chunk);
		p->flip_len += chunk;
		done += chunk;
	}
	return done;
}

/* Input flushes (TCIFLUSH, TCSETSF) drop the pending bytes too. */
static void pty_flush_input(struct pty *p)
{
	tty_ldisc_flush_in(&p->ld);
	p->flip_head = p->flip_len = 0;
}

static void set_ctty(struct task *t, struct pty *p)
{
	t->tg->ctty = p;
	p->sid = t->tg->sid;
	p->pgrp = t->tg->pgid;
}

struct ctty_clear {
	struct pty *p;
	int sid;
};

static void ctty_clear_fn(struct thread_group *tg, void *arg)
{
	struct ctty_clear *c = arg;

	if (c->p ? tg->ctty == c->p : (tg->sid == c->sid && tg->ctty))
		tg->ctty = NULL;
}

/* The session loses its terminal (Linux's disassociate_ctty): the
 * foreground group gets SIGHUP (and SIGCONT unless the leader exits). */
static void disassociate(struct pty *p, bool on_exit)
{
	struct ctty_clear c = { .p = p };

	if (p->pgrp) {
		pgrp_kill(p->pgrp, SIGHUP);
		if (!on_exit)
			pgrp_kill(p->pgrp, SIGCONT);
	}
	p->pgrp = p->sid = 0;
	for_each_tg(ctty_clear_fn, &c);
	pty_wake(p);
}

void tty_session_leader_exit(struct thread_group *tg)
{
	struct pty *p = tg->ctty;

	if (!p || tg->sid != tg->tgid)
		return;
	disassociate(p, true);
}

static void hup_leader_fn(struct thread_group *tg, void *arg)
{
	struct pty *p = arg;

	if (tg->ctty == p)
		tg->ctty = NULL;
	if (!tg->zombie && tg->tgid == tg->sid && tg->sid == p->sid) {
		sig_send_tg(tg, SIGHUP, NULL);
		sig_send_tg(tg, SIGCONT, NULL);
	}
}

/* The master closed: hang up the slave (Linux's tty_vhangup). Every
 * process loses it as controlling terminal; the session leader gets
 * SIGHUP and SIGCONT. Slave files read 0 and fail writes with EIO. */
static void pty_hangup(struct pty *p)
{
	for_each_tg(hup_leader_fn, p);
	p->pgrp = p->sid = 0;
	pty_wake(p);
}

/* ---- the slave ---- */

/* The session the sandbox started in, on a host terminal: the console
 * is its controlling terminal. */
static bool console_session(struct task *t)
{
	return kernel.init && t->tg->sid == kernel.init->sid && host_console_present();
}

/* Linux's tty_open_proc_set_tty: a session leader without a terminal
 * that opens one readable, without O_NOCTTY, acquires it. */
static void maybe_acquire(struct task *t, struct pty *p, int flags)
{
	struct thread_group *tg = t->tg;

	if (!(flags & O_NOCTTY) && tg->sid == tg->tgid && !tg->ctty && !p->sid &&
	    (flags & O_ACCMODE) != O_WRONLY && !console_session(t))
		set_ctty(t, p);
}

static int slave_attach(struct task *t, struct pty *p, struct file *f)
{
	if (!p->master_open)
		return -EIO;
	if (p->excl && !capable(t, CAP_SYS_ADMIN))
		return -EBUSY;
	p->refs++;
	p->slave_opens++;
	p->slave_opened_once = true;
	f->ops = &pty_slave_ops;
	f->priv = p;
	pty_wake(p);
	return 0;
}

int pty_open_slave(struct task *t, struct pty *p, struct file *f)
{
	int r;

	if (p->locked)
		return -EIO;
	r = slave_attach(t, p, f);
	if (r == 0)
		maybe_acquire(t, p, f->flags);
	return r;
}

int tty_open_ctty(struct task *t, struct file *f)
{
	struct pty *p = t->tg->ctty;

	if (!p)
		return console_session(t) ? host_console_open(t, f) : -ENXIO;
	return slave_attach(t, p, f);
}

static int tty_sleep(struct task *t, struct pty *p, const struct timespec *deadline)
{
	struct waiter w;
	int r;

	waitq_add(&p->wq, &w, t);
	r = task_sleep(t, deadline);
	waitq_del(&w);
	return r;
}

/* Non-canonical read (Linux n_tty_read): MIN bytes or TIME tenths of a
 * second between bytes, or before the first when MIN is 0. */
static ssize_t read_raw(struct task *t, struct file *f, struct pty *p, uint8_t *buf, size_t n)
{
	unsigned int vmin = p->ld.termios.c_cc[VMIN], vtime = p->ld.termios.c_cc[VTIME];
	size_t done = 0, minimum = vmin < n ? vmin : n;
	struct timespec dl, *deadline = NULL;

	if (!vmin && vtime) {
		uint64_t at = now_ns(CLOCK_MONOTONIC) + (uint64_t)vtime * 100000000ull;

		dl = (struct timespec){ (time_t)(at / 1000000000ull), (long)(at % 1000000000ull) };
		deadline = &dl;
	}
	for (;;) {
		size_t c;
		int r;

		if (!p->master_open)
			return (ssize_t)done;
		flip_drain(p);
		c = tty_ldisc_read_raw(&p->ld, buf + done, n - done);
		if (c) {
			done += c;
			flip_drain(p);
			pty_wake(p);
			if (vmin && vtime) {
				uint64_t at = now_ns(CLOCK_MONOTONIC) +
					      (uint64_t)vtime * 100000000ull;

				dl = (struct timespec){ (time_t)(at / 1000000000ull),
							(long)(at % 1000000000ull) };
				deadline = &dl;
			}
		}
		if (done >= n || (vmin && done >= minimum) || (!vmin && done))
			return (ssize_t)done;
		if (!vmin && !vtime)
			return (ssize_t)done;
		if (f->flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		r = tty_sleep(t, p, deadline);
		if (r == -ETIMEDOUT)
			return (ssize_t)done;
		if (r == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
		r = job_check(t, p, SIGTTIN);
		if (r < 0)
			return done ? (ssize_t)done : r;
	}
}

static ssize_t slave_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct pty *p = f->priv;
	int r;

	if (!p->master_open)
		return 0;
	r = job_check(t, p, SIGTTIN);
	if (r < 0)
		return r;
	if (!n)
		return 0;
	if (!(p->ld.termios.c_lflag & ICANON))
		return read_raw(t, f, p, buf, n);
	for (;;) {
		bool eof, again;
		size_t c;

		if (!p->master_open)
			return 0;
		flip_drain(p);
		if (tty_ldisc_readable(&p->ld)) {
			c = tty_ldisc_read_canon(&p->ld, buf, n, &eof, &again);
			flip_drain(p);
			pty_wake(p);
			if (c || !again)
				return (ssize_t)c;
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (tty_sleep(t, p, NULL) == -EINTR)
			return -ERESTARTSYS;
		r = job_check(t, p, SIGTTIN);
		if (r < 0)
			return r;
		/* The mode may have changed while we slept. */
		if (!(p->ld.termios.c_lflag & ICANON))
			return read_raw(t, f, p, buf, n);
	}
}

static ssize_t slave_write(struct task *t, struct file *f, const void *buf, size_t n,
			   int64_t *pos)
{
	struct pty *p = f->priv;
	const uint8_t *src = buf;
	size_t done = 0;
	int r;

	if (!p->master_open)
		return -EIO;
	if (p->ld.termios.c_lflag & TOSTOP) {
		r = job_check(t, p, SIGTTOU);
		if (r < 0)
			return r;
	}
	while (done < n) {
		size_t c = 0;

		if (!p->master_open)
			return done ? (ssize_t)done : -EIO;
		/* Stopped output (VSTOP, TCOOFF) holds writers, as Linux's
		 * pty_write_room of 0. */
		if (!p->ld.stopped)
			c = tty_ldisc_write(&p->ld, src + done, n - done);
		if (c) {
			done += c;
			pty_wake(p);
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		if (tty_sleep(t, p, NULL) == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
	return (ssize_t)done;
}

static unsigned int slave_poll(struct file *f, struct waitq **wq)
{
	struct pty *p = f->priv;
	unsigned int m = 0;

	if (wq)
		*wq = &p->wq;
	if (!p->master_open)
		return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
	if (tty_ldisc_readable(&p->ld))
		m |= POLLIN | POLLRDNORM;
	if (tty_ldisc_outq(&p->ld) < TTY_OUT_MAX && !p->ld.stopped)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static void slave_release(struct file *f)
{
	struct pty *p = f->priv;

	p->slave_opens--;
	pty_wake(p);
	pty_put(p);
}

/* ---- the master ---- */

int pty_open_master(struct task *t, struct pty *p, struct file *f)
{
	f->ops = &pty_master_ops;
	f->priv = p;
	return 0;
}

static bool slave_gone(const struct pty *p)
{
	return p->slave_opened_once && !p->slave_opens;
}

static ssize_t master_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct pty *p = f->priv;
	uint8_t *dst = buf;

	if (!n)
		return 0;
	for (;;) {
		size_t c;

		if (p->pkt && p->pkt_status) {
			dst[0] = p->pkt_status;
			p->pkt_status = 0;
			return 1;
		}
		if (p->pkt) {
			if (n < 2 && tty_ldisc_outq(&p->ld))
				c = 0;
			else
				c = tty_ldisc_out_read(&p->ld, dst + 1, n - 1);
			if (c) {
				dst[0] = 0; /* TIOCPKT_DATA */
				pty_wake(p);
				return (ssize_t)c + 1;
			}
		} else {
			c = tty_ldisc_out_read(&p->ld, dst, n);
			if (c) {
				pty_wake(p);
				return (ssize_t)c;
			}
		}
		if (slave_gone(p))
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (tty_sleep(t, p, NULL) == -EINTR)
			return -ERESTARTSYS;
	}
}

static ssize_t master_write(struct task *t, struct file *f, const void *buf, size_t n,
			    int64_t *pos)
{
	struct pty *p = f->priv;
	const uint8_t *src = buf;
	size_t done = 0;

	while (done < n) {
		size_t c = 0;

		/* In order: what waits in the flip buffer goes first. */
		flip_drain(p);
		if (!p->flip_len)
			c = pty_input(p, src + done, n - done);
		if (!c)
			c = flip_put(p, src + done, n - done);
		if (c) {
			done += c;
			pty_wake(p);
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		if (tty_sleep(t, p, NULL) == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
	return (ssize_t)done;
}

static unsigned int master_poll(struct file *f, struct waitq **wq)
{
	struct pty *p = f->priv;
	unsigned int m = POLLOUT | POLLWRNORM;

	if (wq)
		*wq = &p->wq;
	if ((tty_ldisc_outq(&p->ld) && !p->ld.stopped) || (p->pkt && p->pkt_status))
		m |= POLLIN | POLLRDNORM;
	if (p->pkt && p->pkt_status)
		m |= POLLPRI;
	if (p->flip_len >= PTY_FLIP_MAX)
		m &= ~(POLLOUT | POLLWRNORM);
	if (slave_gone(p))
		m |= POLLHUP;
	return m;
}

static void master_release(struct file *f)
{
	struct pty *p = f->priv;

	p->master_open = false;
	pty_hangup(p);
	if (p->ops && p->ops->release)
		p->ops->release(p, p->owner);
	pty_put(p);
}

/* ---- ioctls ---- */

#define TCGETS2_K  0x802c542au
#define TCSETS2_K  0x402c542bu
#define TCSETSW2_K 0x402c542cu
#define TCSETSF2_K 0x402c542du
#define TIOCGPTN_K 0x80045430u
#define TIOCSPTLCK_K 0x40045431u
#define TIOCGDEV_K 0x80045432u
#define TIOCGPKT_K 0x80045438u
#define TIOCGPTLCK_K 0x80045439u
#define TIOCGEXCL_K 0x80045440u
#define TIOCGPTPEER_K 0x5441u

static long get_int(struct task *t, uint64_t arg, int *v)
{
	return copy_from_guest(t, v, arg, sizeof(*v)) < 0 ? -EFAULT : 0;
}

static long put_int(struct task *t, uint64_t arg, int v)
{
	return copy_to_guest(t, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static uint32_t baud_of(uint32_t cflag)
{
	static const uint32_t low[] = { 0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800,
					2400, 4800, 9600, 19200, 38400 };
	static const uint32_t high[] = { 0, 57600, 115200, 230400, 460800, 500000, 576000,
					 921600, 1000000, 1152000, 1500000, 2000000, 2500000,
					 3000000, 3500000, 4000000 };
	uint32_t b = cflag & CBAUD;

	if (b & CBAUDEX)
		return (b & 0xf) ? high[b & 0xf] : 0;
	return low[b];
}

static long set_termios(struct task *t, struct pty *p, uint64_t arg, unsigned int cmd)
{
	struct ktermios2 k2;
	bool two = cmd == TCSETS2_K || cmd == TCSETSW2_K || cmd == TCSETSF2_K;
	int r = job_check(t, p, SIGTTOU);

	if (r < 0)
		return r;
	memset(&k2, 0, sizeof(k2));
	if (copy_from_guest(t, &k2, arg, two ? KTERMIOS2_SIZE : KTERMIOS_SIZE) < 0)
		return -EFAULT;
	if (cmd == TCSETSF || cmd == TCSETSF2_K)
		pty_flush_input(p);
	/* A pty keeps whatever it is told, including the speed (Linux's
	 * tty_termios_encode_baud_rate for BOTHER, the table otherwise). */
	if (two && (k2.t.c_cflag & CBAUD) == BOTHER) {
		p->ld.ospeed = k2.c_ospeed;
	} else {
		p->ld.ospeed = baud_of(k2.t.c_cflag);
	}
	if (two && ((k2.t.c_cflag >> IBSHIFT) & CBAUD) == BOTHER)
		p->ld.ispeed = k2.c_ispeed;
	else if ((k2.t.c_cflag >> IBSHIFT) & CBAUD)
		p->ld.ispeed = baud_of(k2.t.c_cflag >> IBSHIFT);
	else
		p->ld.ispeed = p->ld.ospeed;
	tty_ldisc_set_termios(&p->ld, &k2.t);
	pty_wake(p);
	return 0;
}

struct pg_find {
	int pg;
	int sid;
};

static void pg_find_fn(struct thread_group *tg, void *arg)
{
	struct pg_find *f = arg;

	if (!tg->reaped && tg->pgid == f->pg)
		f->sid = tg->sid;
}

/* The session of process group pg, -1 if there is no such group. */
static int pgrp_session(int pg)
{
	struct pg_find f = { pg, -1 };

	for_each_tg(pg_find_fn, &f);
	return f.sid;
}

/* The System V struct termio of TCGETA/TCSETA*: 16-bit flag words
 * (the high halves are kept on a set, as Linux's
 * user_termio_to_kernel_termios) and the first 8 control characters. */
struct ktermio {
	uint16_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[8];
};
#define KTERMIO_SIZE 17

static long get_termio(struct task *t, struct pty *p, uint64_t arg)
{
	const struct ktermios *k = &p->ld.termios;
	struct ktermio o = {
		.c_iflag = (uint16_t)k->c_iflag, .c_oflag = (uint16_t)k->c_oflag,
		.c_cflag = (uint16_t)k->c_cflag, .c_lflag = (uint16_t)k->c_lflag,
		.c_line = k->c_line,
	};

	memcpy(o.c_cc, k->c_cc, sizeof(o.c_cc));
	return copy_to_guest(t, arg, &o, KTERMIO_SIZE) < 0 ? -EFAULT : 0;
}

static long set_termio(struct task *t, struct pty *p, uint64_t arg, unsigned int cmd)
{
	struct ktermios k = p->ld.termios;
	struct ktermio o;
	int r = job_check(t, p, SIGTTOU);

	if (r < 0)
		return r;
	if (copy_from_guest(t, &o, arg, KTERMIO_SIZE) < 0)
		return -EFAULT;
	k.c_iflag = (k.c_iflag & 0xffff0000u) | o.c_iflag;
	k.c_oflag = (k.c_oflag & 0xffff0000u) | o.c_oflag;
	k.c_cflag = (k.c_cflag & 0xffff0000u) | o.c_cflag;
	k.c_lflag = (k.c_lflag & 0xffff0000u) | o.c_lflag;
	k.c_line = o.c_line;
	memcpy(k.c_cc, o.c_cc, sizeof(o.c_cc));
	if (cmd == TCSETAF)
		pty_flush_input(p);
	p->ld.ospeed = baud_of(k.c_cflag);
	p->ld.ispeed = (k.c_cflag >> IBSHIFT) & CBAUD ? baud_of(k.c_cflag >> IBSHIFT)
							: p->ld.ospeed;
	tty_ldisc_set_termios(&p->ld, &k);
	pty_wake(p);
	return 0;
}

static long tiocspgrp(struct task *t, struct pty *p, uint64_t arg)
{
	int pg, sid, r = job_check(t, p, SIGTTOU);

	if (r == -EIO)
		return -ENOTTY;
	if (r < 0)
		return r;
	if (t->tg->ctty != p || p->sid != t->tg->sid)
		return -ENOTTY;
	if (get_int(t, arg, &pg) < 0)
		return -EFAULT;
	if (pg < 0)
		return -EINVAL;
	sid = pgrp_session(pg);
	if (sid < 0)
		return -ESRCH;
	if (sid != t->tg->sid)
		return -EPERM;
	p->pgrp = pg;
	return 0;
}

/* Linux's tiocsctty: a session leader without a terminal takes one that
 * is nobody's; with arg 1 and CAP_SYS_ADMIN it may steal it. */
static long tiocsctty(struct task *t, struct file *f, struct pty *p, uint64_t arg)
{
	struct thread_group *tg = t->tg;

	if (tg->sid == tg->tgid && p->sid == tg->sid)
		return 0;
	if (tg->sid != tg->tgid || tg->ctty)
		return -EPERM;
	if (p->sid) {
		struct ctty_clear c = { .sid = p->sid };

		if (arg != 1 || !capable(t, CAP_SYS_ADMIN))
			return -EPERM;
		for_each_tg(ctty_clear_fn, &c);
	}
	if ((f->flags & O_ACCMODE) == O_WRONLY && !capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	set_ctty(t, p);
	return 0;
}

static long tiocnotty(struct task *t, struct pty *p)
{
	if (t->tg->ctty != p)
		return -ENOTTY;
	if (t->tg->sid == t->tg->tgid)
		disassociate(p, false);
	t->tg->ctty = NULL;
	return 0;
}

/* Requests both ends understand; the terminal state is the slave's
 * (Linux applies termios and window size requests on the master to its
 * peer). */
static long tty_common_ioctl(struct task *t, struct file *f, struct pty *p, bool master,
			     unsigned int cmd, uint64_t arg)
{
	struct ktermios2 k2;
	struct kwinsize ws;
	int v, r;

	switch (cmd) {
	case TCGETS:
		return copy_to_guest(t, arg, &p->ld.termios, KTERMIOS_SIZE) < 0 ? -EFAULT : 0;
	case TCGETS2_K:
		k2.t = p->ld.termios;
		k2.c_ispeed = p->ld.ispeed;
		k2.c_ospeed = p->ld.ospeed;
		return copy_to_guest(t, arg, &k2, KTERMIOS2_SIZE) < 0 ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCSETS2_K:
	case TCSETSW2_K:
	case TCSETSF2_K:
		return set_termios(t, p, arg, cmd);
	case TCGETA:
		return get_termio(t, p, arg);
	case TCSETA:
	case TCSETAW:
	case TCSETAF:
		return set_termio(t, p, arg, cmd);
	case TIOCGWINSZ:
		return copy_to_guest(t, arg, &p->ws, sizeof(p->ws)) < 0 ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_guest(t, &ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		if (memcmp(&ws, &p->ws, sizeof(ws))) {
			p->ws = ws;
			pgrp_kill(p->pgrp, SIGWINCH);
		}
		return 0;
	case TCFLSH:
		r = job_check(t, p, SIGTTOU);
		if (r < 0)
			return r;
		if (arg > TCIOFLUSH)
			return -EINVAL;
		/* The master's input is the slave's output and back. Packet
		 * mode reports the slave's flushes: its input (FLUSHREAD)
		 * and its output (FLUSHWRITE). */
		if (arg == TCIOFLUSH || arg == (master ? TCOFLUSH : TCIFLUSH)) {
			pty_flush_input(p);
			if (!master)
				pkt_event(p, TIOCPKT_FLUSHREAD);
		}
		if (arg == TCIOFLUSH || arg == (master ? TCIFLUSH : TCOFLUSH)) {
			tty_ldisc_flush_out(&p->ld);
			if (!master)
				pkt_event(p, TIOCPKT_FLUSHWRITE);
		}
		pty_wake(p);
		return 0;
	case TCXONC:
		r = job_check(t, p, SIGTTOU);
		if (r < 0)
			return r;
		switch (arg) {
		case TCOOFF:
			p->ld.stopped = p->ld.tco_stopped = true;
			pkt_event(p, TIOCPKT_STOP);
			break;
		case TCOON:
			p->ld.stopped = p->ld.tco_stopped = false;
			pkt_event(p, TIOCPKT_START);
			break;
		case TCIOFF:
		case TCION: {
			uint8_t c = p->ld.termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];

			if (c)
				tty_ldisc_write(&p->ld, &c, 1);
			break;
		}
		default:
			return -EINVAL;
		}
		pty_wake(p);
		return 0;
	case TCSBRK:
	case TCSBRKP:
		return job_check(t, p, SIGTTOU);
	case TIOCSBRK:
	case TIOCCBRK:
		return 0;
	case FIONREAD:
		return put_int(t, arg, master ? (int)tty_ldisc_outq(&p->ld)
					      : (int)tty_ldisc_inq(&p->ld));
	case TIOCOUTQ:
		/* A pty driver holds no output of its own. */
		return put_int(t, arg, 0);
	case TIOCGETD:
		return put_int(t, arg, 0 /* N_TTY */);
	case TIOCSETD:
		if (get_int(t, arg, &v) < 0)
			return -EFAULT;
		return v == 0 ? 0 : -EINVAL;
	case TIOCSCTTY:
		return tiocsctty(t, f, p, arg);
	case TIOCNOTTY:
		return master ? -ENOTTY : tiocnotty(t, p);
	case TIOCGPGRP:
		if (!master && t->tg->ctty != p)
			return -ENOTTY;
		return put_int(t, arg, p->pgrp);
	case TIOCSPGRP:
		return tiocspgrp(t, p, arg);
	case TIOCGSID:
		if (!master && t->tg->ctty != p)
			return -ENOTTY;
		if (!p->sid)
			return -ENOTTY;
		return put_int(t, arg, p->sid);
	case TIOCGDEV_K:
		/* The slave's number on either end (Linux's real_tty),
		 * new_encode_dev style. */
		return put_int(t, arg, (int)((136u << 8) | (p->index & 0xff) |
					     ((unsigned)(p->index & ~0xff) << 12)));
	case TIOCSTI: {
		uint8_t c;

		if (t->tg->ctty != p && !capable(t, CAP_SYS_ADMIN))
			return -EPERM;
		if (copy_from_guest(t, &c, arg, 1) < 0)
			return -EFAULT;
		pty_input(p, &c, 1);
		pty_wake(p);
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

static long slave_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pty *p = f->priv;

	if (!p->master_open)
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	switch (cmd) {
	case TIOCEXCL:
		p->excl = true;
		return 0;
	case TIOCNXCL:
		p->excl = false;
		return 0;
	case TIOCGEXCL_K:
		return put_int(t, arg, p->excl);
	}
	return tty_common_ioctl(t, f, p, false, cmd, arg);
}

static long master_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pty *p = f->priv;
	int v;

	switch (cmd) {
	case TIOCGPTN_K:
		return put_int(t, arg, p->index);
	case TIOCSPTLCK_K:
		if (get_int(t, arg, &v) < 0)
			return -EFAULT;
		p->locked = v != 0;
		return 0;
	case TIOCGPTLCK_K:
		return put_int(t, arg, p->locked);
	case TIOCGPTPEER_K:
		/* Linux takes any flags here; only these mean something for
		 * a terminal. */
		if (!p->ops || !p->ops->open_peer)
			return -ENOTTY;
		return p->ops->open_peer(t, p, p->owner,
					 (int)(arg & (O_ACCMODE | O_NOCTTY | O_NONBLOCK |
						      O_CLOEXEC | O_APPEND)));
	case TIOCPKT:
		if (get_int(t, arg, &v) < 0)
			return -EFAULT;
		if (v) {
			if (!p->pkt)
				p->pkt_status = 0;
			p->pkt = true;
		} else {
			p->pkt = false;
		}
		return 0;
	case TIOCGPKT_K:
		return put_int(t, arg, p->pkt);
	case TIOCEXCL:
		p->master_excl = true;
		return 0;
	case TIOCNXCL:
		p->master_excl = false;
		return 0;
	case TIOCGEXCL_K:
		return put_int(t, arg, p->master_excl);
	}
	return tty_common_ioctl(t, f, p, true, cmd, arg);
}

static int tty_fstat(struct file *f, struct stat *st)
{
	struct inode *inode = file_inode(f);

	if (!inode)
		return -EBADF;
	vfs_fill_stat(inode, st);
	return 0;
}

static const struct file_ops pty_slave_ops = {
	.read = slave_read,
	.write = slave_write,
	.ioctl = slave_ioctl,
	.poll = slave_poll,
	.fstat = tty_fstat,
	.release = slave_release,
};

static const struct file_ops pty_master_ops = {
	.read = master_read,
	.write = master_write,
	.ioctl = master_ioctl,
	.poll = master_poll,
	.fstat = tty_fstat,
	.release = master_release,
};

static void __attribute__((constructor)) tty_register_hooks(void)
{
	task_hooks.session_leader_exit = tty_session_leader_exit;
}
