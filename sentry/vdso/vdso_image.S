/* The linked vDSO, embedded. VDSO_BIN is passed by the Makefile. */
	.section .rodata
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_BIN
vdso_image_end:
	.section .note.GNU-stack,"",@progbits
