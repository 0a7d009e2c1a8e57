/**
 * bench_tiktoken.mjs: js-tiktoken's GPT-2 encoding throughput, the baseline for dev/tokenizer/bench.sh.
 * Command: node dev/tokenizer/bench_tiktoken.mjs [../shared/data/tinyshakespeare.txt]   (after npm install here)
 * Prints: "encode js-tiktoken gpt2: X MB/s (N ids)", best of 3 after one warm-up. Writes nothing.
 */
import { readFileSync } from "node:fs";
import { getEncoding } from "js-tiktoken";

const path = process.argv[2] || "../shared/data/tinyshakespeare.txt";
const buf = readFileSync(path);
const text = buf.toString("utf8");
const enc = getEncoding("gpt2");
enc.encode("warm up", [], []);
let best = Infinity, n = 0;
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  n = enc.encode(text, [], []).length;
  best = Math.min(best, (performance.now() - t0) / 1000);
}
console.log(`encode js-tiktoken gpt2: ${(buf.length / 1e6 / best).toFixed(1).padStart(7)} MB/s  (${n} ids, 1 thread)`);
