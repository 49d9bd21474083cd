/**
 * `npm run build:wasm`: compiles the AssemblyScript kernel modules (src/recommend/linalg/wasm/*.ts) into the committed
 * .wasm files beside them, or into the folder given as the first argument.
 */
import { KERNEL_NAMES, buildKernel } from '../src/recommend/linalg/wasm-kernels.ts';

for (const name of KERNEL_NAMES) console.log(`built ${buildKernel(name, process.argv[2])}`);
