// main.cpp: the doctest runner; every test/test_*.cpp links into this one binary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest.h>
