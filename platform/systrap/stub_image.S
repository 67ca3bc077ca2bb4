/* The systrap stub binary, embedded so that runsc is one file. STUB_BIN
 * is the path of the linked stub, passed by the Makefile. */
	.section .rodata
	.balign 16
	.globl systrap_stub_image_start, systrap_stub_image_end
systrap_stub_image_start:
	.incbin STUB_BIN
systrap_stub_image_end:
	.section .note.GNU-stack,"",@progbits
