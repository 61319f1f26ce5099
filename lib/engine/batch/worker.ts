/**
 * A mini-batch worker: attaches to the engine's shared state, then runs its part of each phase
 * (`shared/phases.ts`).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { servePhases } from "../shared/phases.ts";
import { attachBackend } from "./backend.ts";

servePhases(attachBackend);
