/* TEMPORARY (H1's branch until h2, h3 and h4 are merged into it; removed before finishing):
 * which of the other parts' library functions are linked here yet. */
#ifndef OCI_TMP_PENDING_H
#define OCI_TMP_PENDING_H
#define OCI_TMP_HAVE_SPEC 1    /* h2: oci_spec_init/load/free */
#define OCI_TMP_HAVE_HOOKS 0   /* h4: oci_hooks_parse/run/free */
#define OCI_TMP_HAVE_CONSOLE 0 /* h4: oci_console_connect/setup */
#define OCI_TMP_HAVE_PROCESS 0 /* h3: oci_process_enter */
#endif
