// train.cpp: the driver of ./train. (skeleton; the trainer lands with issue 2)
#include <cstdio>
int main() { std::printf("scratchgpt: not built yet\n"); return 0; }
