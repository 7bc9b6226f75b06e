#!/usr/bin/env node
import { run } from './run';

// The exit code is set rather than forced: the process ends once every socket and timer is released.
process.exitCode = await run(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
