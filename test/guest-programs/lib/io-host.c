/* Console output for the native (host) build the guest output is compared against. */
#include <unistd.h>
#include "io.h"

void put_char(int c)
{
	char ch = (char)c;
	if (write(1, &ch, 1) != 1)
		_exit(1);
}
