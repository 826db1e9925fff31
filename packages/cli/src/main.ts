export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`pipespan ${argv.join(" ")}\n`);
  return 0;
}
