import { chmodSync } from "node:fs";

/**
 * Jest global setup for the future-clock run (`faketime … npm test`, see .ci/run). The faketime
 * wrapper shares a semaphore and a shared-memory segment with every process it starts
 * (FAKETIME_SHARED), created by root with mode 0600. PostgreSQL runs as the postgres user, cannot
 * open them, and libfaketime then creates a pair of its own for each such process: a pair that
 * leaks in /dev/shm whenever the process is killed (immediate shutdowns, the interrupt tests),
 * and, once pids wrap around, makes a new process whose pid has a leaked pair exit at once
 * ("libfaketime: sem_name was …, created locally: false"). Letting other users open the wrapper's
 * pair makes every process share it, as libfaketime intends. Without faketime this does nothing.
 */
export default function shareFaketimeWithServerUser(): void {
  const shared = process.env.FAKETIME_SHARED;
  if (!shared || process.getuid?.() !== 0) return;
  const [sem, shm] = shared.split(" ").map((name) => name.replace(/^\//, ""));
  if (!sem || !shm) return;
  for (const file of [`/dev/shm/sem.${sem}`, `/dev/shm/${shm}`]) {
    try {
      chmodSync(file, 0o666);
    } catch {
      // not Linux's /dev/shm layout, or not ours to change: libfaketime falls back as before
    }
  }
}
