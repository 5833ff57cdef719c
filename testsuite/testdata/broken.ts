export async function broken(): Promise<void> {
  const x = ;
}
