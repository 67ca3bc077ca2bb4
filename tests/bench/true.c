/* The program fork-exec-wait executes: exits 0 with the least work. */
int main(void)
{
	return 0;
}
