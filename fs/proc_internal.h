/* procfs internals shared by fs/proc.c (the filesystem: nodes, lookup,
 * listing, open files, links), fs/proc_pid.c (the per-process files) and
 * fs/proc_sys.c (the global files and sys/). Not for other layers. */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/proc.h"
#include "fs/vfs.h"

enum pkind {
	PK_ROOT = 1,    /* /proc */
	PK_TABLE,       /* a directory of static entries (sys/...) */
	PK_PID,         /* /proc/<pid> */
	PK_TID,         /* /proc/<pid>/task/<tid> */
	PK_TASKDIR,     /* /proc/<pid>/task */
	PK_FDDIR,
	PK_FDINFODIR,
	PK_NSDIR,
	PK_FILE,        /* generated contents */
	PK_SYMLINK,     /* fixed or computed text */
	PK_MAGIC,       /* exe, cwd, root, fd/N, ns/...: resolve to a path */
	PK_FD,          /* fd/N */
	PK_FDINFO,      /* fdinfo/N */
	PK_PROXY,       /* what fd/N of a file without a VFS path resolves to */
};

/* What an inode of proc stands for (inode->priv). */
struct pnode {
	enum pkind kind;
	const struct pent *ent;   /* the table entry, when it came from one */
	int tgid, tid;            /* 0 for global nodes; tid 0 = the process */
	int fd;
	bool sysctl;              /* under sys/ */
};

struct pctx {
	struct super_block *sb;     /* the proc instance */
	struct task *caller;
	struct thread_group *tg;    /* NULL for global files */
	struct task *t;             /* the thread (the leader for /proc/pid) */
	const struct pnode *pn;
};

typedef int (*show_fn)(struct pctx *c, struct pbuf *b);
typedef int (*store_fn)(struct pctx *c, const char *buf, size_t n);

struct pent {
	const char *name;
	enum pkind kind;
	uint32_t mode;
	show_fn show;               /* PK_FILE */
	store_fn store;             /* writable PK_FILE */
	const struct pent *sub;     /* PK_TABLE: entries, name == NULL ends */
	const char *target;         /* PK_SYMLINK with fixed text */
	/* PK_MAGIC: the path it resolves to, and its text for readlink. */
	int (*resolve)(struct pctx *c, struct path *out);
	long (*text)(struct pctx *c, char *buf, size_t n);
	/* ns/ links: the namespace kind and its inode number. */
	const char *nskind;
	unsigned int nsino;
};

/* Table entries (name == NULL ends a table). */
#define DIR_(n, s) { .name = n, .kind = PK_TABLE, .mode = S_IFDIR | 0555, .sub = s }
#define RO_(n, f) { .name = n, .kind = PK_FILE, .mode = S_IFREG | 0444, .show = f }
#define RO400_(n, f) { .name = n, .kind = PK_FILE, .mode = S_IFREG | 0400, .show = f }
#define RW_(n, f, w) { .name = n, .kind = PK_FILE, .mode = S_IFREG | 0644, .show = f, .store = w }
#define LNK_(n, t) { .name = n, .kind = PK_SYMLINK, .mode = S_IFLNK | 0777, .target = t }
#define MAGIC_(n, r, t) { .name = n, .kind = PK_MAGIC, .mode = S_IFLNK | 0777, .resolve = r, .text = t }


/* The process and thread a per-pid node names, or -ENOENT once reaped. */
int proc_pnode_target(const struct pnode *pn, struct thread_group **tgp, struct task **tp);
/* The reader: the task whose system call is being served. */
static inline struct task *proc_caller(void)
{
	return task_current;
}
/* Symlink text into buf (not NUL-terminated): its length. */
long proc_copy_text(const char *s, char *buf, size_t n);

/* fs/proc_pid.c */
extern const struct pent proc_pid_ents[];
/* The address space of the thread a node names (NULL once it exited). */
struct mm *proc_mm(struct pctx *c);
/* A path as the reader sees it from its own root (" (deleted)" marked). */
long proc_text_path(struct pctx *c, const struct path *p, char *buf, size_t n);

/* fs/proc_net.c: the net/ directory of every /proc/<pid>. */
extern const struct pent proc_net_ents[];

/* fs/proc_sys.c */
extern const struct pent proc_root_ents[];
extern uint32_t proc_ncpus;

#endif
