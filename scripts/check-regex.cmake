# cmake -DRE=<regex> -P scripts/check-regex.cmake: fails (with CMake's message) when <regex> does
# not compile in CMake's regex dialect, the one ctest's -L/-LE/-R/-E use. The Makefile checks
# TEST_EXCLUDE with it before running anything. (if(MATCHES), not string(REGEX): the latter also
# refuses a regex that matches the empty string, which is a valid selection.)
if("" MATCHES "${RE}")
endif()
