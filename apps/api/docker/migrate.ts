// Entry of the image's `migrate` command: the @shopops/migrate CLI, bundled (the image has no tsx).
import { runCli } from '@shopops/migrate';

process.exitCode = await runCli(process.argv.slice(2));
