/* fuzz_keeper_record.c - libFuzzer target: RUNTIME/.keeper.pid, the keeper's record, which
 * a crash or another program may have left as anything. */
#include "fuzz.h"
#include "keeper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	keeper_record_valid(text);
	free(text);
	return 0;
}
