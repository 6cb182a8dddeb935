// vitest setupFiles entry (`setupFiles: ['hybrid-lab/vitest/setup']`): registers the matchers.
import { expect } from 'vitest';
import { hybridLabMatchers } from './matchers.ts';

expect.extend(hybridLabMatchers);
