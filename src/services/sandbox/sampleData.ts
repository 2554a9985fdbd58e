/** A small shop, enough to see rows replicate and to dump, drop and restore. */
export const SAMPLE_SCHEMA_SQL = `
create table customers (
  id bigint generated always as identity primary key,
  name text not null,
  email text not null unique
);
create table orders (
  id bigint generated always as identity primary key,
  customer_id bigint not null references customers,
  amount numeric(10,2) not null,
  created_at timestamptz not null default now()
);
insert into customers (name, email)
  select 'customer ' || n, 'customer' || n || '@example.com' from generate_series(1, 100) as n;
insert into orders (customer_id, amount)
  select 1 + (n % 100), round((n * 7.31)::numeric % 500, 2) from generate_series(1, 1000) as n;
`;
