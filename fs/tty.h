/* Terminals: the n_tty line discipline (canonical editing, echo, signal
 * characters, input and output processing, VMIN/VTIME) and the pseudo-
 * terminal pairs devpts hands out, with job control (controlling
 * terminals, foreground process groups, SIGTTIN/SIGTTOU, hangup).
 *
 * The line discipline part (struct tty_ldisc, tty_ldisc_*) is pure data
 * processing with no sentry dependency so it can be unit-tested; the pty
 * part runs under the big kernel lock like the rest of the sentry. */
#ifndef FS_TTY_H
#define FS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct task;
struct file;
struct thread_group;

/* The kernel's struct termios (asm-generic/termbits.h): what TCGETS
 * copies; termios2 (TCGETS2) appends the two speeds. */
#define KNCCS 19
struct ktermios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[KNCCS];
};
struct ktermios2 {
	struct ktermios t;
	uint32_t c_ispeed, c_ospeed;
};
#define KTERMIOS_SIZE 36
#define KTERMIOS2_SIZE 44

struct kwinsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* Linux's N_TTY_BUF_SIZE: the input buffer of a terminal. */
#define TTY_IN_SIZE 4096u
/* What the slave may queue for the master before a write waits (Linux
 * takes about 22 KB through its flip buffers and the master's n_tty). */
#define TTY_OUT_MAX 20480u
/* Echoes never wait: they may go this far past TTY_OUT_MAX, then drop. */
#define TTY_OUT_CAP (TTY_OUT_MAX + 4096u)

/* Input entries carry the byte plus a flag for line delimiters, so a
 * canonical read knows where a line ends and an EOF character (stored
 * as a delimiter that is never copied out) can end a read with 0. */
#define TTY_IN_DELIM 0x100u
#define TTY_IN_EOF 0x200u

struct tty_ldisc {
	struct ktermios termios;
	uint32_t ispeed, ospeed;
	/* Input (written by the master), a ring of TTY_IN_SIZE entries. */
	uint16_t in[TTY_IN_SIZE];
	uint32_t in_head;       /* index of the oldest entry */
	uint32_t in_len;        /* entries queued */
	uint32_t in_commit;     /* of those, how many a read may take (lines) */
	uint32_t line_start;    /* entries consumed since the current line began */
	bool lnext;             /* the previous byte was VLNEXT */
	bool erasing;           /* inside an ECHOPRT \...\ erase sequence */
	/* Output (for the master to read), after OPOST processing. */
	uint8_t out[TTY_OUT_CAP];
	uint32_t out_head, out_len;
	uint32_t echo_mark;     /* out_len before the current input batch */
	uint32_t column;        /* output column, for tabs and erase */
	uint32_t canon_column;  /* column where the current input line began */
	bool stopped;           /* output stopped by VSTOP (IXON) or TCOOFF */
	bool tco_stopped;       /* ... by TCOOFF: VSTART/IXANY do not restart */
};

/* Reset to the defaults of a pty slave (tty_std_termios, 38400 baud). */
void tty_ldisc_init(struct tty_ldisc *l);
/* Bytes from the master through input processing, editing and echo.
 * Returns how many were taken (fewer when the buffer is full and no
 * byte could be dropped); *sigs collects the bits (1 << (sig - 1)) of
 * the signals ISIG characters raise. */
size_t tty_ldisc_receive(struct tty_ldisc *l, const uint8_t *buf, size_t n, uint64_t *sigs);
/* Is there data a read could return now (a whole line in canonical
 * mode, any byte otherwise)? */
bool tty_ldisc_readable(const struct tty_ldisc *l);
/* FIONREAD: bytes readable (canonical: of complete lines). */
uint32_t tty_ldisc_inq(const struct tty_ldisc *l);
/* Canonical read: up to n bytes of the first line. Returns the count;
 * *eof is set when an EOF character ended the read (then a 0 return is
 * end of file, unless *again is set: an EOF mark after a partial read of
 * its line, after which Linux keeps waiting). */
size_t tty_ldisc_read_canon(struct tty_ldisc *l, uint8_t *buf, size_t n, bool *eof,
			    bool *again);
/* Non-canonical read: up to n queued bytes. */
size_t tty_ldisc_read_raw(struct tty_ldisc *l, uint8_t *buf, size_t n);
/* Slave output through OPOST: returns bytes of buf consumed (stops when
 * the output queue reaches TTY_OUT_MAX). */
size_t tty_ldisc_write(struct tty_ldisc *l, const uint8_t *buf, size_t n);
/* The master takes up to n bytes of output (nothing while stopped). */
size_t tty_ldisc_out_read(struct tty_ldisc *l, uint8_t *buf, size_t n);
uint32_t tty_ldisc_outq(const struct tty_ldisc *l);
void tty_ldisc_flush_in(struct tty_ldisc *l);
void tty_ldisc_flush_out(struct tty_ldisc *l);
/* New termios (TCSETS): switching ICANON commits what is queued. */
void tty_ldisc_set_termios(struct tty_ldisc *l, const struct ktermios *t);

/* ------------------------------------------------------------ pty pairs */

struct pty;

/* What devpts supplies for a pair: called under the BKL. */
struct pty_owner_ops {
	/* The master's last close: forget pts/N. */
	void (*release)(struct pty *p, void *owner);
	/* TIOCGPTPEER: open the slave as the task (flags O_*): an fd or -errno. */
	int (*open_peer)(struct task *t, struct pty *p, void *owner, int flags);
};

/* A new pair numbered index, its slave locked (unlockpt). */
struct pty *pty_new(int index, const struct pty_owner_ops *ops, void *owner);
int pty_index(const struct pty *p);
void pty_get(struct pty *p);
void pty_put(struct pty *p);
/* Open the master end into f (sets f->ops and f->priv); takes the
 * caller's reference on p (one pty_new = one master open). */
int pty_open_master(struct task *t, struct pty *p, struct file *f);
/* Open the slave end: -EIO while locked or after the master closed,
 * -EBUSY under TIOCEXCL without CAP_SYS_ADMIN. Without O_NOCTTY a
 * session leader with no terminal acquires it, as Linux's tty_open. */
int pty_open_slave(struct task *t, struct pty *p, struct file *f);
/* Is the master still open (pts/N exists while it is)? */
bool pty_alive(const struct pty *p);

/* /dev/tty: open the caller's controlling terminal into f; -ENXIO
 * without one. The session the sandbox started in has the host console
 * (when its stdio is a host terminal) as controlling terminal. */
int tty_open_ctty(struct task *t, struct file *f);
/* /dev/console: the sandbox's host terminal (fs/host.c); -ENXIO when
 * its stdio has none. */
int host_console_open(struct task *t, struct file *f);
bool host_console_present(void);
/* A process left its session or exited: job-control bookkeeping. Called
 * by the sentry for setsid() and at the exit of a session leader. */
void tty_session_leader_exit(struct thread_group *tg);

#endif
