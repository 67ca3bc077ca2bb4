/* The ptrace stub's hand-written seccomp filter, evaluated by a small
 * classic-BPF interpreter over synthetic seccomp_data: only the listed
 * syscalls from the listed trampoline addresses may pass. The filter and
 * the addresses are read from the built stub (STUB_BIN, default
 * build/stub). */
#define _GNU_SOURCE
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUDIT_ARCH_X86_64_ 0xc000003eU
#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS

static struct sock_filter *prog;
static size_t prog_len;
static uint64_t ip_sys, ip_batch, ip_clone, ip_ready, ip_spin;

static uint64_t sym(const uint8_t *img, const char *name)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Shdr *sh = (const void *)(img + eh->e_shoff);

	for (int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *s;
		const char *str;

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		s = (const void *)(img + sh[i].sh_offset);
		str = (const char *)(img + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*s); k++)
			if (!strcmp(str + s[k].st_name, name))
				return s[k].st_value;
	}
	ck_abort_msg("symbol %s not found in the stub", name);
	return 0;
}

/* File offset of a virtual address, through the program headers. */
static const uint8_t *at_vaddr(const uint8_t *img, uint64_t va)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va < ph[i].p_vaddr + ph[i].p_filesz)
			return img + ph[i].p_offset + (va - ph[i].p_vaddr);
	ck_abort_msg("address %lx not in the stub image", (unsigned long)va);
	return NULL;
}

static void load_stub(void)
{
	const char *path = getenv("STUB_BIN") ? getenv("STUB_BIN") : "build/stub";
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *img;
	uint64_t f, fe;

	ck_assert_msg(fd >= 0, "cannot open %s", path);
	ck_assert(fstat(fd, &st) == 0);
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	ck_assert(img != MAP_FAILED);
	f = sym(img, "filter");
	fe = sym(img, "filter_end");
	prog_len = (fe - f) / sizeof(struct sock_filter);
	prog = malloc(fe - f);
	memcpy(prog, at_vaddr(img, f), fe - f);
	ip_sys = sym(img, "tramp_syscall") + 2;
	ip_batch = sym(img, "batch_sys_end");
	ip_clone = sym(img, "tramp_clone") + 2;
	ip_ready = sym(img, "tramp_syscall_nocheck") + 2;
	ip_spin = sym(img, "spin_sys_end");
	close(fd);
}

static uint32_t run(uint32_t arch, int nr, uint64_t ip, uint64_t arg0)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .instruction_pointer = ip };
	uint32_t a = 0;

	d.args[0] = arg0;
	for (size_t pc = 0; pc < prog_len; pc++) {
		const struct sock_filter *in = &prog[pc];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert(in->k + 4 <= sizeof(d));
			memcpy(&a, (const uint8_t *)&d + in->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			ck_assert(pc < prog_len);
			break;
		case BPF_RET | BPF_K:
			return in->k;
		default:
			ck_abort_msg("unexpected BPF opcode %#x at %zu", in->code, pc);
		}
	}
	ck_abort_msg("filter fell off its end");
	return 0;
}

START_TEST(test_arch_and_ip)
{
	load_stub();
	ck_assert_uint_eq(run(0x40000003, 9, ip_sys, 0), KILL);       /* i386 */
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 9, 0x401000, 0), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 9, ip_sys + (1ULL << 32), 0), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 9, ip_sys - 1, 0), KILL);
}
END_TEST

START_TEST(test_generic_and_batch)
{
	static const int ok[] = { 9, 10, 11, 25, 28, 60, 231, 3 };
	static const int bad[] = { 0, 1, 2, 39, 56, 57, 59, 62, 101, 157, 200, 234, 317, 322 };

	load_stub();
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, ok[i], ip_sys, 0), ALLOW);
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, ok[i], ip_batch, 0), ALLOW);
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, ok[i], ip_clone, 0), KILL);
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, ok[i], ip_spin, 0), KILL);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, bad[i], ip_sys, 0), KILL);
		ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, bad[i], ip_batch, 0), KILL);
	}
}
END_TEST

START_TEST(test_clone_spin_ready)
{
	load_stub();
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 56, ip_clone, 0), ALLOW);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 57, ip_clone, 0), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 435, ip_clone, 0), KILL); /* clone3 */
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 34, ip_spin, 0), ALLOW);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 34, ip_sys, 0), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 1, ip_ready, 4), ALLOW);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 1, ip_ready, 1), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 0, ip_ready, 4), KILL);
	ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, 1, ip_sys, 4), KILL);
}
END_TEST

START_TEST(test_random)
{
	const uint64_t allowed[] = { ip_sys, ip_batch, ip_clone, ip_ready, ip_spin };
	uint64_t x = 88172645463325252ULL;

	load_stub();
	for (int i = 0; i < 200000; i++) {
		uint64_t ip;
		bool special = false;
		int nr;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		nr = (int)(x % 512);
		ip = (x & 1) ? 0x7ffffff00000ULL + ((x >> 8) & 0xffff) : (x >> 12);
		for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
			if (ip == allowed[k])
				special = true;
		if (!special)
			ck_assert_uint_eq(run(AUDIT_ARCH_X86_64_, nr, ip, 4), KILL);
	}
}
END_TEST

Suite *stubfilter_suite(void)
{
	Suite *s = suite_create("stubfilter");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, test_arch_and_ip);
	tcase_add_test(tc, test_generic_and_batch);
	tcase_add_test(tc, test_clone_spin_ready);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}

#ifdef STUBFILTER_MAIN
int main(void)
{
	SRunner *sr = srunner_create(stubfilter_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
#endif
