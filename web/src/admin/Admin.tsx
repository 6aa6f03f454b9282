export function Admin() {
  return <main class="admin">Admin</main>;
}
