/* The stub binary, embedded so that runsc is one file. STUB_BIN is the
 * path of the linked stub, passed by the Makefile. */
	.section .rodata
	.balign 16
	.globl stub_image_start, stub_image_end
stub_image_start:
	.incbin STUB_BIN
stub_image_end:
	.section .note.GNU-stack,"",@progbits
