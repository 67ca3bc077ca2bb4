/* The OCI runtime spec's config.json as a C struct: a strict parser with
 * size limits (the file is untrusted input), the default spec written by
 * `runsc spec`, and the features document of `runsc features`. */
#ifndef RUNSC_OCI_H
#define RUNSC_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Limits on hostile input: far above any real config. */
#define OCI_MAX_FILE      (4u << 20)   /* bytes of config.json */
#define OCI_MAX_DEPTH     32           /* nesting of arrays and objects */
#define OCI_MAX_STRV      4096         /* args, env, mount options, ... */
#define OCI_MAX_MOUNTS    1024
#define OCI_MAX_HOOKS     256
#define OCI_MAX_STRING    (64u << 10)  /* bytes of any one string */
#define OCI_MAX_ANNOT     1024
#define OCI_MAX_GIDS      64

/* One error message, naming the field: "process.args: must be ...". */
struct oci_error {
	char msg[512];
};

struct oci_rlimit {
	int type;                 /* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_process {
	char **args;              /* NULL-terminated, nargs >= 1 */
	size_t nargs;
	char **env;               /* NULL-terminated */
	size_t nenv;
	char *cwd;                /* absolute */
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t ngids;
	int umask;                /* -1: not set */
	bool terminal;
	struct oci_rlimit *rlimits;
	size_t nrlimits;
	/* Capability sets as bit masks of CAP_* numbers. */
	uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
};

struct oci_mount {
	char *destination;        /* absolute, no ".." */
	char *type;               /* may be NULL */
	char *source;             /* may be NULL */
	char **options;           /* NULL-terminated */
	size_t noptions;
};

enum oci_ns_type {
	OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS,
	OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_COUNT
};

struct oci_namespace {
	enum oci_ns_type type;
	char *path;               /* NULL: a new namespace */
};

/* linux.uidMappings / gidMappings: containerID hostID size. */
#define OCI_MAX_IDMAPS 340   /* Linux's limit of lines in uid_map */
struct oci_idmap {
	uint32_t container, host, size;
};

struct oci_sysctl {
	char *key, *value;
};
#define OCI_MAX_SYSCTLS 1024

struct oci_hook {
	char *path;
	char **args;
	char **env;
	int timeout;              /* seconds, 0: none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP, OCI_HOOK_KINDS
};

struct oci_annotation {
	char *key, *value;
};

struct oci_config {
	char *oci_version;
	struct oci_process process;
	char *root_path;          /* as written: absolute or relative to the bundle */
	bool root_readonly;
	char *hostname;           /* may be NULL */
	struct oci_mount *mounts;
	size_t nmounts;
	struct oci_namespace namespaces[OCI_NS_COUNT];
	size_t nnamespaces;
	/* linux.resources, the parts a sandbox can apply to itself. */
	int64_t mem_limit;        /* bytes, -1: none */
	int64_t pids_limit;       /* -1: none */
	uint64_t cpu_shares;      /* 0: none */
	int64_t cpu_quota;        /* microseconds per period, -1: none */
	uint64_t cpu_period;      /* microseconds, 0: the default (100000) */
	char *cgroups_path;       /* linux.cgroupsPath, NULL: our default */
	struct oci_hook *hooks[OCI_HOOK_KINDS];
	size_t nhooks[OCI_HOOK_KINDS];
	struct oci_annotation *annotations;
	size_t nannotations;
	struct oci_idmap *uid_maps, *gid_maps;
	size_t nuid_maps, ngid_maps;
	/* linux.sysctl, checked against what the sandbox can set. */
	struct oci_sysctl *sysctls;
	size_t nsysctls;
};

/* Parse a config.json held in memory. Returns 0, or -1 with err->msg
 * set; cfg is then empty (nothing to free, but oci_config_free is safe). */
int oci_config_parse(const char *buf, size_t len, struct oci_config *cfg, struct oci_error *err);
/* Read and parse BUNDLE/config.json; checks that the root exists too.
 * Messages start with "config.json: ". */
int oci_config_load(const char *bundle, struct oci_config *cfg, struct oci_error *err);
/* Read and parse one config.json file (no check of the root). */
int oci_config_read(const char *path, struct oci_config *cfg, struct oci_error *err);
void oci_config_free(struct oci_config *cfg);
/* A process object alone (runsc exec --process); 0 or -1 with err set. */
int oci_process_parse(const char *buf, size_t len, struct oci_process *p, struct oci_error *err);
void oci_process_free(struct oci_process *p);

/* The default config.json of `runsc spec`, as a newly allocated string. */
char *oci_default_spec(bool rootless);
/* The features document of `runsc features`. */
char *oci_features_json(void);

const char *oci_ns_name(enum oci_ns_type t);
/* The config's entry for a namespace type, or NULL. */
const struct oci_namespace *oci_ns_find(const struct oci_config *cfg, enum oci_ns_type t);

#endif
