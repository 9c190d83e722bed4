// SPDX-License-Identifier: MPL-2.0
#include "app/cli/cli.h"

int main(int argc, char** argv) { return crashbox::cli::Main(argc, argv); }
