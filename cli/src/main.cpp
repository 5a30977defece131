#include "interlock/cli/Cli.hpp"

int main(int argc, char** argv) {
  return interlock::cli::main(argc, argv, interlock::cli::builtinCatalogue());
}
