// A temporary entry point for `awsprof sso populate` until it joins the awsprof-sso tool.
#include "sso_populate_command.hpp"

int main(int argc, char** argv) {
  return awsprof::tool::sso_populate_main(argc, argv);
}
