/* fuzz_log_index.c - libFuzzer target: a log's time index (RUNTIME/NAME/log.idx), which a
 * crash, a full disk or another program may have left as anything, and logs --since. */
#include "fuzz.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_log_stamp *stamps;
	char *text = fuzz_text(data, size), buf[48];
	unsigned long long ino = 0;
	long long ns;
	size_t n;

	if (size >= 16)
		memcpy(&ino, data + 8, 8);
	n = log_index_parse(data, size, ino, &stamps);
	for (size_t i = 1; i < n; i++) {
		if (stamps[i].off < stamps[i - 1].off || stamps[i].ns < 0)
			abort();
	}
	for (long long off = 0; off < 64; off += 7)
		log_index_time(stamps, n, off, 0);
	free(stamps);
	if (log_parse_since(text, 1800000000000000000LL, &ns) == 0)
		log_format_time(ns, buf, sizeof(buf));
	free(text);
	return 0;
}
