/* config.json of the OCI runtime spec, parsed with jansson into struct
 * oci_config. The file is untrusted: its size, nesting, array lengths and
 * string lengths are bounded, every known field must have its spec type,
 * and each error names the field. Unknown fields are ignored, as the spec
 * requires of runtimes. */
#define _GNU_SOURCE
#include "runsc/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(struct oci_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct oci_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Names from the file may hold newlines: the message stays one line. */
	for (char *p = err->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

/* Nesting depth of arrays and objects, counted before jansson builds
 * anything, so a "[[[[...]]]]" bomb costs one linear scan. */
static int check_depth(const char *buf, size_t len, struct oci_error *err)
{
	bool in_str = false, esc = false;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > OCI_MAX_DEPTH)
				return fail(err, "nested deeper than %d levels", OCI_MAX_DEPTH);
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

/* ---- typed field access ---- */

static int get_str(json_t *obj, const char *key, const char *path, bool required,
		   char **out, struct oci_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return fail(err, "%s%s: missing", path, key);
		return 0;
	}
	if (!json_is_string(v))
		return fail(err, "%s%s: must be a string", path, key);
	if (json_string_length(v) > OCI_MAX_STRING)
		return fail(err, "%s%s: longer than %u bytes", path, key, OCI_MAX_STRING);
	*out = strdup(json_string_value(v));
	if (!*out)
		return fail(err, "%s%s: out of memory", path, key);
	return 0;
}

static int get_bool(json_t *obj, const char *key, const char *path, bool *out,
		    struct oci_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return fail(err, "%s%s: must be true or false", path, key);
	*out = json_is_true(v);
	return 0;
}

/* An integer field within [min, max]; *present tells whether it was there. */
static int get_int(json_t *obj, const char *key, const char *path, long long min,
		   long long max, bool *present, long long *out, struct oci_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return fail(err, "%s%s: must be an integer", path, key);
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return fail(err, "%s%s: %lld out of range [%lld, %lld]", path, key, *out, min, max);
	return 0;
}

static json_t *get_obj(json_t *obj, const char *key, const char *path, bool required,
		       struct oci_error *err, int *rc)
{
	json_t *v = json_object_get(obj, key);

	*rc = 0;
	if (!v) {
		if (required)
			*rc = fail(err, "%s%s: missing", path, key);
		return NULL;
	}
	if (!json_is_object(v)) {
		*rc = fail(err, "%s%s: must be an object", path, key);
		return NULL;
	}
	return v;
}

static json_t *get_arr(json_t *obj, const char *key, const char *path, size_t max,
		       struct oci_error *err, int *rc)
{
	json_t *v = json_object_get(obj, key);

	*rc = 0;
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		*rc = fail(err, "%s%s: must be an array", path, key);
		return NULL;
	}
	if (json_array_size(v) > max) {
		*rc = fail(err, "%s%s: more than %zu entries", path, key, max);
		return NULL;
	}
	return v;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* An array of strings: NULL-terminated copy in *out, count in *n. */
static int get_strv(json_t *obj, const char *key, const char *path, bool nonempty,
		    char ***out, size_t *n, struct oci_error *err)
{
	json_t *a = json_object_get(obj, key), *v;
	size_t i;

	*out = NULL;
	if (n)
		*n = 0;
	if (!a) {
		if (nonempty)
			return fail(err, "%s%s: must be a non-empty array of strings", path, key);
		return 0;
	}
	if (!json_is_array(a) || (nonempty && json_array_size(a) == 0))
		return fail(err, "%s%s: must be a%s array of strings", path, key,
			    nonempty ? " non-empty" : "n");
	if (json_array_size(a) > OCI_MAX_STRV)
		return fail(err, "%s%s: more than %d entries", path, key, OCI_MAX_STRV);
	*out = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!*out)
		return fail(err, "%s%s: out of memory", path, key);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) > OCI_MAX_STRING) {
			strv_free(*out);
			*out = NULL;
			return fail(err, "%s%s[%zu]: must be a string of at most %u bytes", path,
				    key, i, OCI_MAX_STRING);
		}
		(*out)[i] = strdup(json_string_value(v));
		if (!(*out)[i]) {
			strv_free(*out);
			*out = NULL;
			return fail(err, "%s%s: out of memory", path, key);
		}
	}
	if (n)
		*n = json_array_size(a);
	return 0;
}

/* An absolute path with no ".." component: a mount destination or a cwd
 * must not name anything outside the container's root. */
static bool path_is_clean_abs(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

static bool path_has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return true;
	return false;
}

/* ---- names ---- */

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define NCAPS (sizeof(cap_names) / sizeof(cap_names[0]))

static const struct {
	const char *name;
	int res;
} rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static const char *const ns_names[OCI_NS_COUNT] = {
	[OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
	[OCI_NS_IPC] = "ipc", [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user",
	[OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const struct oci_namespace *oci_ns_find(const struct oci_config *cfg, enum oci_ns_type t)
{
	for (size_t i = 0; i < cfg->nnamespaces; i++)
		if (cfg->namespaces[i].type == t)
			return &cfg->namespaces[i];
	return NULL;
}

const char *oci_ns_name(enum oci_ns_type t)
{
	return t < OCI_NS_COUNT ? ns_names[t] : "?";
}

static const char *const hook_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart", [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer", [OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

/* ---- sections ---- */

static int parse_caps(json_t *caps, struct oci_process *p, struct oci_error *err)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable",
					    "permitted", "ambient" };
	uint64_t *masks[] = { &p->cap_bounding, &p->cap_effective, &p->cap_inheritable,
			      &p->cap_permitted, &p->cap_ambient };
	int rc;

	for (size_t s = 0; s < 5; s++) {
		json_t *a = get_arr(caps, sets[s], "process.capabilities.", 256, err, &rc), *v;
		size_t i;

		if (rc)
			return rc;
		json_array_foreach(a, i, v) {
			size_t c;

			if (!json_is_string(v))
				return fail(err, "process.capabilities.%s[%zu]: must be a string",
					    sets[s], i);
			for (c = 0; c < NCAPS; c++)
				if (!strcmp(json_string_value(v), cap_names[c]))
					break;
			if (c == NCAPS)
				return fail(err, "process.capabilities.%s[%zu]: unknown capability \"%.64s\"",
					    sets[s], i, json_string_value(v));
			*masks[s] |= 1ULL << c;
		}
	}
	return 0;
}

static int parse_rlimits(json_t *a, struct oci_process *p, struct oci_error *err)
{
	json_t *v;
	size_t i;

	p->rlimits = calloc(json_array_size(a) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return fail(err, "process.rlimits: out of memory");
	json_array_foreach(a, i, v) {
		char path[64];
		const char *type;
		long long soft, hard;
		size_t r;

		snprintf(path, sizeof(path), "process.rlimits[%zu].", i);
		if (!json_is_object(v))
			return fail(err, "process.rlimits[%zu]: must be an object", i);
		if (!json_is_string(json_object_get(v, "type")))
			return fail(err, "%stype: must be a string", path);
		type = json_string_value(json_object_get(v, "type"));
		for (r = 0; r < sizeof(rlimit_names) / sizeof(rlimit_names[0]); r++)
			if (!strcmp(type, rlimit_names[r].name))
				break;
		if (r == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return fail(err, "%stype: unknown rlimit \"%.64s\"", path, type);
		for (size_t j = 0; j < p->nrlimits; j++)
			if (p->rlimits[j].type == rlimit_names[r].res)
				return fail(err, "%stype: %s given twice", path, type);
		/* Spec: uint64; jansson holds int64, so RLIM_INFINITY is -1 or huge. */
		if (!json_is_integer(json_object_get(v, "soft")) ||
		    !json_is_integer(json_object_get(v, "hard")))
			return fail(err, "%ssoft, hard: must be integers", path);
		soft = json_integer_value(json_object_get(v, "soft"));
		hard = json_integer_value(json_object_get(v, "hard"));
		if ((uint64_t)soft > (uint64_t)hard)
			return fail(err, "%ssoft: greater than hard", path);
		p->rlimits[p->nrlimits].type = rlimit_names[r].res;
		p->rlimits[p->nrlimits].soft = (uint64_t)soft;
		p->rlimits[p->nrlimits].hard = (uint64_t)hard;
		p->nrlimits++;
	}
	return 0;
}

static int parse_process(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	struct oci_process *p = &cfg->process;
	json_t *proc, *user, *o;
	long long v;
	bool present;
	int rc;

	proc = get_obj(root, "process", "", true, err, &rc);
	if (rc)
		return rc;
	if (get_strv(proc, "args", "process.", true, &p->args, &p->nargs, err) ||
	    get_strv(proc, "env", "process.", false, &p->env, &p->nenv, err) ||
	    get_str(proc, "cwd", "process.", true, &p->cwd, err) ||
	    get_bool(proc, "terminal", "process.", &p->terminal, err) ||
	    get_bool(proc, "noNewPrivileges", "process.", &p->no_new_privileges, err))
		return -1;
	if (!p->env) {
		p->env = calloc(1, sizeof(char *));
		if (!p->env)
			return fail(err, "process.env: out of memory");
	}
	if (p->args[0][0] == '\0')
		return fail(err, "process.args[0]: must not be empty");
	for (size_t i = 0; i < p->nenv; i++)
		if (!strchr(p->env[i], '=') || p->env[i][0] == '=')
			return fail(err, "process.env[%zu]: must be NAME=VALUE", i);
	if (p->cwd[0] != '/')
		return fail(err, "process.cwd: must be an absolute path");
	user = get_obj(proc, "user", "process.", true, err, &rc);
	if (rc)
		return rc;
	if (get_int(user, "uid", "process.user.", 0, UINT32_MAX - 1, &present, &v, err))
		return -1;
	if (!present)
		return fail(err, "process.user.uid: missing");
	p->uid = (uint32_t)v;
	if (get_int(user, "gid", "process.user.", 0, UINT32_MAX - 1, &present, &v, err))
		return -1;
	if (!present)
		return fail(err, "process.user.gid: missing");
	p->gid = (uint32_t)v;
	p->umask = -1;
	if (get_int(user, "umask", "process.user.", 0, 0777, &present, &v, err))
		return -1;
	if (present)
		p->umask = (int)v;
	o = get_arr(user, "additionalGids", "process.user.", OCI_MAX_GIDS, err, &rc);
	if (rc)
		return rc;
	if (o) {
		json_t *g;
		size_t i;

		p->additional_gids = calloc(json_array_size(o) + 1, sizeof(uint32_t));
		if (!p->additional_gids)
			return fail(err, "process.user.additionalGids: out of memory");
		json_array_foreach(o, i, g) {
			if (!json_is_integer(g) || json_integer_value(g) < 0 ||
			    json_integer_value(g) >= UINT32_MAX)
				return fail(err, "process.user.additionalGids[%zu]: must be a gid", i);
			p->additional_gids[i] = (uint32_t)json_integer_value(g);
		}
		p->ngids = json_array_size(o);
	}
	o = get_arr(proc, "rlimits", "process.", 64, err, &rc);
	if (rc || (o && parse_rlimits(o, p, err)))
		return -1;
	o = get_obj(proc, "capabilities", "process.", false, err, &rc);
	if (rc || (o && parse_caps(o, p, err)))
		return -1;
	if (get_int(proc, "oomScoreAdj", "process.", -1000, 1000, &p->has_oom_score_adj, &v, err))
		return -1;
	if (p->has_oom_score_adj)
		p->oom_score_adj = (int)v;
	/* Typed but unused here: reject wrong types all the same. */
	if ((json_object_get(proc, "consoleSize") &&
	     !json_is_object(json_object_get(proc, "consoleSize"))))
		return fail(err, "process.consoleSize: must be an object");
	return 0;
}

static int parse_mounts(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	json_t *a, *m;
	size_t i;
	int rc;

	a = get_arr(root, "mounts", "", OCI_MAX_MOUNTS, err, &rc);
	if (rc || !a)
		return rc;
	cfg->mounts = calloc(json_array_size(a) + 1, sizeof(*cfg->mounts));
	if (!cfg->mounts)
		return fail(err, "mounts: out of memory");
	json_array_foreach(a, i, m) {
		struct oci_mount *mt = &cfg->mounts[i];
		char path[48];

		snprintf(path, sizeof(path), "mounts[%zu].", i);
		if (!json_is_object(m))
			return fail(err, "mounts[%zu]: must be an object", i);
		cfg->nmounts = i + 1;
		if (get_str(m, "destination", path, true, &mt->destination, err) ||
		    get_str(m, "type", path, false, &mt->type, err) ||
		    get_str(m, "source", path, false, &mt->source, err) ||
		    get_strv(m, "options", path, false, &mt->options, &mt->noptions, err))
			return -1;
		if (!path_is_clean_abs(mt->destination))
			return fail(err, "%sdestination: must be an absolute path without \"..\"", path);
	}
	return 0;
}

static int parse_namespaces(json_t *linux_, struct oci_config *cfg, struct oci_error *err)
{
	json_t *a, *n;
	size_t i;
	int rc;

	a = get_arr(linux_, "namespaces", "linux.", OCI_NS_COUNT, err, &rc);
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, n) {
		char path[48];
		char *type = NULL;
		int t;

		snprintf(path, sizeof(path), "linux.namespaces[%zu].", i);
		if (!json_is_object(n))
			return fail(err, "linux.namespaces[%zu]: must be an object", i);
		if (get_str(n, "type", path, true, &type, err))
			return -1;
		for (t = 0; t < OCI_NS_COUNT; t++)
			if (!strcmp(type, ns_names[t]))
				break;
		if (t == OCI_NS_COUNT) {
			fail(err, "%stype: unknown namespace type \"%.64s\"", path, type);
			free(type);
			return -1;
		}
		free(type);
		for (size_t j = 0; j < cfg->nnamespaces; j++)
			if ((int)cfg->namespaces[j].type == t)
				return fail(err, "%stype: \"%s\" given twice", path, ns_names[t]);
		cfg->namespaces[cfg->nnamespaces].type = t;
		if (get_str(n, "path", path, false, &cfg->namespaces[cfg->nnamespaces].path, err))
			return -1;
		cfg->nnamespaces++;
	}
	return 0;
}

static int parse_idmaps(json_t *linux_, const char *key, struct oci_idmap **out, size_t *nout,
			struct oci_error *err)
{
	json_t *a, *m;
	size_t i;
	int rc;

	a = get_arr(linux_, key, "linux.", OCI_MAX_IDMAPS, err, &rc);
	if (rc || !a)
		return rc;
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return fail(err, "linux.%s: out of memory", key);
	json_array_foreach(a, i, m) {
		static const char *const f[] = { "containerID", "hostID", "size" };
		long long v[3];
		char path[64];

		snprintf(path, sizeof(path), "linux.%s[%zu].", key, i);
		if (!json_is_object(m))
			return fail(err, "linux.%s[%zu]: must be an object", key, i);
		for (int k = 0; k < 3; k++) {
			bool present;

			if (get_int(m, f[k], path, 0, UINT32_MAX, &present, &v[k], err))
				return -1;
			if (!present)
				return fail(err, "%s%s: missing", path, f[k]);
		}
		if (v[2] == 0 || v[0] + v[2] > (long long)UINT32_MAX + 1 ||
		    v[1] + v[2] > (long long)UINT32_MAX + 1)
			return fail(err, "%ssize: must be at least 1 and keep both ranges below 2^32",
				    path);
		(*out)[i] = (struct oci_idmap){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
		*nout = i + 1;
	}
	return 0;
}

/* linux.sysctl: string values only, as the spec says; which keys the
 * sandbox accepts is checked at create (runsc/ns.c). */
static int parse_sysctl(json_t *linux_, struct oci_config *cfg, struct oci_error *err)
{
	json_t *o = json_object_get(linux_, "sysctl"), *v;
	const char *k;
	size_t n = 0;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return fail(err, "linux.sysctl: must be an object");
	if (json_object_size(o) > OCI_MAX_SYSCTLS)
		return fail(err, "linux.sysctl: more than %d entries", OCI_MAX_SYSCTLS);
	cfg->sysctls = calloc(json_object_size(o) + 1, sizeof(*cfg->sysctls));
	if (!cfg->sysctls)
		return fail(err, "linux.sysctl: out of memory");
	json_object_foreach(o, k, v) {
		if (!json_is_string(v))
			return fail(err, "linux.sysctl.%.128s: must be a string", k);
		if (strlen(k) > 256 || json_string_length(v) > 4096)
			return fail(err, "linux.sysctl.%.128s: too long", k);
		cfg->sysctls[n].key = strdup(k);
		cfg->sysctls[n].value = strdup(json_string_value(v));
		cfg->nsysctls = ++n;
		if (!cfg->sysctls[n - 1].key || !cfg->sysctls[n - 1].value)
			return fail(err, "linux.sysctl: out of memory");
	}
	return 0;
}

static int parse_resources(json_t *linux_, struct oci_config *cfg, struct oci_error *err)
{
	json_t *res, *o;
	long long v;
	bool present;
	int rc;

	cfg->mem_limit = -1;
	cfg->pids_limit = -1;
	cfg->cpu_quota = -1;
	res = get_obj(linux_, "resources", "linux.", false, err, &rc);
	if (rc || !res)
		return rc;
	o = get_obj(res, "memory", "linux.resources.", false, err, &rc);
	if (rc)
		return rc;
	if (o) {
		if (get_int(o, "limit", "linux.resources.memory.", -1, INT64_MAX, &present, &v, err))
			return -1;
		if (present && v > 0)
			cfg->mem_limit = v;
	}
	o = get_obj(res, "pids", "linux.resources.", false, err, &rc);
	if (rc)
		return rc;
	if (o) {
		if (get_int(o, "limit", "linux.resources.pids.", -1, INT64_MAX, &present, &v, err))
			return -1;
		if (present && v > 0)
			cfg->pids_limit = v;
	}
	o = get_obj(res, "cpu", "linux.resources.", false, err, &rc);
	if (rc)
		return rc;
	if (o) {
		if (get_int(o, "shares", "linux.resources.cpu.", 0, INT64_MAX, &present, &v, err))
			return -1;
		if (present)
			cfg->cpu_shares = (uint64_t)v;
		if (get_int(o, "quota", "linux.resources.cpu.", -1, INT64_MAX, &present, &v, err))
			return -1;
		if (present && v > 0)
			cfg->cpu_quota = v;
		if (get_int(o, "period", "linux.resources.cpu.", 0, 1000000, &present, &v, err))
			return -1;
		if (present && v > 0 && v < 1000)
			return fail(err, "linux.resources.cpu.period: must be at least 1000");
		if (present)
			cfg->cpu_period = (uint64_t)v;
	}
	o = get_arr(res, "devices", "linux.resources.", 4096, err, &rc);
	if (rc)
		return rc;
	return 0;
}

static int parse_linux(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	json_t *linux_;
	int rc;

	cfg->mem_limit = -1;
	cfg->pids_limit = -1;
	cfg->cpu_quota = -1;
	linux_ = get_obj(root, "linux", "", false, err, &rc);
	if (rc || !linux_)
		return rc;
	if (get_str(linux_, "cgroupsPath", "linux.", false, &cfg->cgroups_path, err))
		return -1;
	if (cfg->cgroups_path && (strstr(cfg->cgroups_path, "..") || strlen(cfg->cgroups_path) > 1024))
		return fail(err, "linux.cgroupsPath: must not contain \"..\" and be at most 1024 bytes");
	if (parse_namespaces(linux_, cfg, err) ||
	    parse_idmaps(linux_, "uidMappings", &cfg->uid_maps, &cfg->nuid_maps, err) ||
	    parse_idmaps(linux_, "gidMappings", &cfg->gid_maps, &cfg->ngid_maps, err) ||
	    parse_resources(linux_, cfg, err) || parse_sysctl(linux_, cfg, err))
		return -1;
	if (json_object_get(linux_, "seccomp") && !json_is_object(json_object_get(linux_, "seccomp")))
		return fail(err, "linux.seccomp: must be an object");
	if (get_arr(linux_, "maskedPaths", "linux.", OCI_MAX_STRV, err, &rc), rc)
		return rc;
	if (get_arr(linux_, "readonlyPaths", "linux.", OCI_MAX_STRV, err, &rc), rc)
		return rc;
	return 0;
}

static int parse_hooks(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	json_t *hooks;
	int rc;

	hooks = get_obj(root, "hooks", "", false, err, &rc);
	if (rc || !hooks)
		return rc;
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		json_t *a = get_arr(hooks, hook_names[k], "hooks.", OCI_MAX_HOOKS, err, &rc), *h;
		size_t i;

		if (rc)
			return rc;
		if (!a)
			continue;
		cfg->hooks[k] = calloc(json_array_size(a) + 1, sizeof(struct oci_hook));
		if (!cfg->hooks[k])
			return fail(err, "hooks: out of memory");
		json_array_foreach(a, i, h) {
			struct oci_hook *hk = &cfg->hooks[k][i];
			char path[64];
			long long v;
			bool present;

			snprintf(path, sizeof(path), "hooks.%s[%zu].", hook_names[k], i);
			if (!json_is_object(h))
				return fail(err, "hooks.%s[%zu]: must be an object", hook_names[k], i);
			cfg->nhooks[k] = i + 1;
			if (get_str(h, "path", path, true, &hk->path, err) ||
			    get_strv(h, "args", path, false, &hk->args, NULL, err) ||
			    get_strv(h, "env", path, false, &hk->env, NULL, err) ||
			    get_int(h, "timeout", path, 1, 86400, &present, &v, err))
				return -1;
			if (hk->path[0] != '/')
				return fail(err, "%spath: must be an absolute path", path);
			hk->timeout = present ? (int)v : 0;
		}
	}
	return 0;
}

static int parse_annotations(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	json_t *o, *v;
	const char *key;
	size_t i = 0;
	int rc;

	o = get_obj(root, "annotations", "", false, err, &rc);
	if (rc || !o)
		return rc;
	if (json_object_size(o) > OCI_MAX_ANNOT)
		return fail(err, "annotations: more than %d entries", OCI_MAX_ANNOT);
	cfg->annotations = calloc(json_object_size(o) + 1, sizeof(*cfg->annotations));
	if (!cfg->annotations)
		return fail(err, "annotations: out of memory");
	json_object_foreach(o, key, v) {
		if (!json_is_string(v) || json_string_length(v) > OCI_MAX_STRING)
			return fail(err, "annotations.%.64s: must be a string", key);
		if (strlen(key) > OCI_MAX_STRING)
			return fail(err, "annotations: key longer than %u bytes", OCI_MAX_STRING);
		cfg->annotations[i].key = strdup(key);
		cfg->annotations[i].value = strdup(json_string_value(v));
		cfg->nannotations = ++i;
		if (!cfg->annotations[i - 1].key || !cfg->annotations[i - 1].value)
			return fail(err, "annotations: out of memory");
	}
	return 0;
}

static int parse_root(json_t *root, struct oci_config *cfg, struct oci_error *err)
{
	json_t *r;
	int rc;

	r = get_obj(root, "root", "", true, err, &rc);
	if (rc)
		return rc;
	if (get_str(r, "path", "root.", true, &cfg->root_path, err) ||
	    get_bool(r, "readonly", "root.", &cfg->root_readonly, err))
		return -1;
	if (!cfg->root_path[0])
		return fail(err, "root.path: must not be empty");
	if (path_has_dotdot(cfg->root_path))
		return fail(err, "root.path: must not contain \"..\"");
	return 0;
}

int oci_config_parse(const char *buf, size_t len, struct oci_config *cfg, struct oci_error *err)
{
	json_error_t jerr;
	json_t *root;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_limit = -1;
	cfg->pids_limit = -1;
	cfg->cpu_quota = -1;
	cfg->process.umask = -1;
	if (len > OCI_MAX_FILE)
		return fail(err, "larger than %u bytes", OCI_MAX_FILE);
	if (check_depth(buf, len, err))
		return -1;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		fail(err, "must be a JSON object");
		goto out;
	}
	if (get_str(root, "ociVersion", "", true, &cfg->oci_version, err) ||
	    parse_root(root, cfg, err) || parse_process(root, cfg, err) ||
	    get_str(root, "hostname", "", false, &cfg->hostname, err) ||
	    parse_mounts(root, cfg, err) || parse_linux(root, cfg, err) ||
	    parse_hooks(root, cfg, err) || parse_annotations(root, cfg, err))
		goto out;
	if (cfg->hostname && strlen(cfg->hostname) > 64) {
		fail(err, "hostname: longer than 64 bytes");
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc)
		oci_config_free(cfg);
	return rc;
}

int oci_config_load(const char *bundle, struct oci_config *cfg, struct oci_error *err)
{
	char path[4096], *rootp = NULL;
	struct stat st;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (oci_config_read(path, cfg, err) < 0)
		return -1;
	if (cfg->root_path[0] == '/')
		rootp = strdup(cfg->root_path);
	else if (asprintf(&rootp, "%s/%s", bundle, cfg->root_path) < 0)
		rootp = NULL;
	if (!rootp) {
		fail(err, "config.json: root.path: out of memory");
		goto out;
	}
	if (stat(rootp, &st) < 0 || !S_ISDIR(st.st_mode)) {
		const char *why = "not a directory";

		if (stat(rootp, &st) < 0)
			why = strerror(errno);
		fail(err, "config.json: root.path: %s: %s", rootp, why);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		oci_config_free(cfg);
	free(rootp);
	return rc;
}

int oci_config_read(const char *path, struct oci_config *cfg, struct oci_error *err)
{
	struct oci_error e = { "" };
	char *buf = NULL;
	struct stat st;
	size_t got = 0;
	int fd, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fail(err, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > OCI_MAX_FILE) {
		fail(err, "config.json: larger than %u bytes", OCI_MAX_FILE);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fail(err, "config.json: out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(err, "%s: %s", path, n < 0 ? strerror(errno) : "short read");
			goto out;
		}
		got += (size_t)n;
	}
	if (oci_config_parse(buf, got, cfg, &e)) {
		fail(err, "config.json: %s", e.msg);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

void oci_config_free(struct oci_config *cfg)
{
	struct oci_process *p = &cfg->process;

	free(cfg->oci_version);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->additional_gids);
	free(p->rlimits);
	free(cfg->root_path);
	free(cfg->hostname);
	free(cfg->cgroups_path);
	for (size_t i = 0; i < cfg->nmounts; i++) {
		free(cfg->mounts[i].destination);
		free(cfg->mounts[i].type);
		free(cfg->mounts[i].source);
		strv_free(cfg->mounts[i].options);
	}
	free(cfg->mounts);
	for (size_t i = 0; i < cfg->nnamespaces; i++)
		free(cfg->namespaces[i].path);
	free(cfg->uid_maps);
	free(cfg->gid_maps);
	for (size_t i = 0; i < cfg->nsysctls; i++) {
		free(cfg->sysctls[i].key);
		free(cfg->sysctls[i].value);
	}
	free(cfg->sysctls);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < cfg->nhooks[k]; i++) {
			free(cfg->hooks[k][i].path);
			strv_free(cfg->hooks[k][i].args);
			strv_free(cfg->hooks[k][i].env);
		}
		free(cfg->hooks[k]);
	}
	for (size_t i = 0; i < cfg->nannotations; i++) {
		free(cfg->annotations[i].key);
		free(cfg->annotations[i].value);
	}
	free(cfg->annotations);
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_limit = -1;
	cfg->pids_limit = -1;
	cfg->cpu_quota = -1;
	cfg->process.umask = -1;
}

/* ---- runsc spec, runsc features ---- */

static const char default_spec[] =
	"{\n"
	"  \"ociVersion\": \"1.0.2-dev\",\n"
	"  \"process\": {\n"
	"    \"terminal\": true,\n"
	"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
	"    \"args\": [ \"sh\" ],\n"
	"    \"env\": [\n"
	"      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"      \"TERM=xterm\"\n"
	"    ],\n"
	"    \"cwd\": \"/\",\n"
	"    \"capabilities\": {\n"
	"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"ambient\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
	"    },\n"
	"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
	"    \"noNewPrivileges\": true\n"
	"  },\n"
	"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
	"  \"hostname\": \"runsc\",\n"
	"  \"mounts\": [\n"
	"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\" ] },\n"
	"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
	"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
	"    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
	"  ],\n"
	"  \"linux\": {\n"
	"    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
	"    \"namespaces\": [\n"
	"      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
	"      { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }\n"
	"    ],\n"
	"    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
	"      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
	"      \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\" ],\n"
	"    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\",\n"
	"      \"/proc/sysrq-trigger\" ]\n"
	"  }\n"
	"}\n";

/* Rootless: a user namespace mapping root to the caller, /sys bound from
 * the host instead of a new sysfs, no devices cgroup, no gid=5 on devpts,
 * as runc does. */
static char *rootless_spec(void)
{
	json_t *root = json_loads(default_spec, 0, NULL), *linux_, *ns, *mounts, *m;
	char *out = NULL;
	size_t i;

	if (!root)
		return NULL;
	linux_ = json_object_get(root, "linux");
	ns = json_object_get(linux_, "namespaces");
	json_array_foreach(ns, i, m) {
		if (!strcmp(json_string_value(json_object_get(m, "type")), "network") ||
		    !strcmp(json_string_value(json_object_get(m, "type")), "cgroup")) {
			json_array_remove(ns, i);
			i--;
		}
	}
	json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	json_object_set_new(linux_, "uidMappings",
			    json_pack("[{s:i,s:i,s:i}]", "containerID", 0, "hostID",
				      (json_int_t)getuid(), "size", 1));
	json_object_set_new(linux_, "gidMappings",
			    json_pack("[{s:i,s:i,s:i}]", "containerID", 0, "hostID",
				      (json_int_t)getgid(), "size", 1));
	json_object_del(linux_, "resources");
	mounts = json_object_get(root, "mounts");
	json_array_foreach(mounts, i, m) {
		const char *dst = json_string_value(json_object_get(m, "destination"));

		if (!strcmp(dst, "/sys")) {
			json_array_set_new(mounts, i,
					   json_pack("{s:s,s:s,s:s,s:[s,s,s,s,s]}", "destination",
						     "/sys", "type", "none", "source", "/sys",
						     "options", "rbind", "nosuid", "noexec",
						     "nodev", "ro"));
		} else if (!strcmp(dst, "/sys/fs/cgroup")) {
			json_array_remove(mounts, i);
			i--;
		} else if (!strcmp(dst, "/dev/pts")) {
			json_t *opts = json_object_get(m, "options");

			json_array_remove(opts, json_array_size(opts) - 1);
		}
	}
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return out;
}

char *oci_default_spec(bool rootless)
{
	return rootless ? rootless_spec() : strdup(default_spec);
}

char *oci_features_json(void)
{
	json_t *f = json_object(), *a, *linux_ = json_object();
	static const char *const mount_opts[] = {
		"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind",
		"rbind", "private", "rprivate", "slave", "rslave", "relatime", "strictatime",
		"noatime", "mode", "size",
	};
	char *out;

	json_object_set_new(f, "ociVersionMin", json_string("1.0.0"));
	json_object_set_new(f, "ociVersionMax", json_string("1.1.0"));
	a = json_array();
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		json_array_append_new(a, json_string(hook_names[k]));
	json_object_set_new(f, "hooks", a);
	a = json_array();
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++)
		json_array_append_new(a, json_string(mount_opts[i]));
	json_object_set_new(f, "mountOptions", a);
	a = json_array();
	for (int t = 0; t < OCI_NS_COUNT; t++)
		json_array_append_new(a, json_string(ns_names[t]));
	json_object_set_new(linux_, "namespaces", a);
	a = json_array();
	for (size_t c = 0; c < NCAPS; c++)
		json_array_append_new(a, json_string(cap_names[c]));
	json_object_set_new(linux_, "capabilities", a);
	json_object_set_new(linux_, "cgroup", json_pack("{s:b,s:b,s:b,s:b}", "v1", 0, "v2", 1,
							"systemd", 0, "systemdUser", 0));
	json_object_set_new(linux_, "seccomp", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(linux_, "apparmor", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(linux_, "selinux", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(f, "linux", linux_);
	json_object_set_new(f, "annotations",
			    json_pack("{s:s}", "dev.runsc.sandbox", "user-space kernel (ptrace)"));
	out = json_dumps(f, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(f);
	return out;
}

/* A process object alone (`runsc exec --process FILE`): the same rules as
 * config.json's "process", messages naming "process.*" fields. */
int oci_process_parse(const char *buf, size_t len, struct oci_process *p, struct oci_error *err)
{
	struct oci_config cfg;
	json_error_t jerr;
	json_t *obj, *root;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	memset(p, 0, sizeof(*p));
	cfg.process.umask = -1;
	if (len > OCI_MAX_FILE)
		return fail(err, "larger than %u bytes", OCI_MAX_FILE);
	if (check_depth(buf, len, err))
		return -1;
	obj = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return fail(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	root = json_object();
	if (!root || json_object_set(root, "process", obj)) {
		fail(err, "out of memory");
		goto out;
	}
	if (parse_process(root, &cfg, err))
		goto out;
	*p = cfg.process;
	memset(&cfg.process, 0, sizeof(cfg.process));
	rc = 0;
out:
	oci_config_free(&cfg);
	json_decref(obj);
	json_decref(root);
	return rc;
}

void oci_process_free(struct oci_process *p)
{
	struct oci_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.process = *p;
	oci_config_free(&cfg);
	memset(p, 0, sizeof(*p));
}
