-- SQLite shell workload for the app_sqlite boot test. The shell runs it from the scratch
-- directory (.cd @TMP@ on its command line): /tmp in the guest, a private directory natively.
-- Everything printed must be the same in both runs: no paths, times or random values.
.bail on
.headers on
.mode list
.nullvalue NULL
.print == create
.open --new app.db
PRAGMA page_size = 4096;
PRAGMA journal_mode = DELETE;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, joined TEXT);
CREATE TABLE product(id INTEGER PRIMARY KEY, title TEXT UNIQUE, price REAL CHECK (price > 0));
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customer(id),
                    product INTEGER REFERENCES product(id), quantity INTEGER, note BLOB);

.print == inserts in one transaction
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO customer(name, city, joined)
  SELECT 'customer ' || i,
         CASE i % 5 WHEN 0 THEN 'Oslo' WHEN 1 THEN 'Lima' WHEN 2 THEN 'Pune'
                    WHEN 3 THEN 'Kyiv' ELSE NULL END,
         date('2020-01-01', '+' || (i * 7) || ' days')
  FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO product(title, price) SELECT printf('product %03d', i), i * 1.25 + 0.99 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO orders(customer, product, quantity, note)
  SELECT (i * 7919) % 500 + 1, (i * 104729) % 50 + 1, i % 9 + 1,
         CASE WHEN i % 100 = 0 THEN zeroblob(i % 300) ELSE NULL END
  FROM n;
COMMIT;
SELECT count(*) AS customers FROM customer;
SELECT count(*) AS orders, sum(quantity) AS items, total(length(note)) AS note_bytes FROM orders;

.print == a rolled back transaction leaves nothing behind
BEGIN;
DELETE FROM orders WHERE quantity > 3;
SELECT count(*) AS during FROM orders;
ROLLBACK;
SELECT count(*) AS after FROM orders;

.print == indexes
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_product_quantity ON orders(product, quantity);
CREATE INDEX customer_city ON customer(city) WHERE city IS NOT NULL;
SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' ORDER BY name;
EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer = 42;
SELECT count(*) FROM orders WHERE customer = 42;

.print == joins and aggregates
SELECT c.city, count(DISTINCT c.id) AS customers, count(o.id) AS orders,
       sum(o.quantity) AS items, printf('%.2f', sum(o.quantity * p.price)) AS revenue
FROM customer c JOIN orders o ON o.customer = c.id JOIN product p ON p.id = o.product
GROUP BY c.city ORDER BY c.city;
SELECT p.title, sum(o.quantity) AS sold
FROM product p LEFT JOIN orders o ON o.product = p.id
GROUP BY p.id HAVING sold > 1960 ORDER BY sold DESC, p.title LIMIT 5;
SELECT min(price), max(price), avg(price), round(avg(price), 3) FROM product;
SELECT group_concat(id, ',') FROM (SELECT id FROM customer WHERE id % 97 = 0 ORDER BY id);

.print == window functions and a recursive CTE
SELECT id, quantity, sum(quantity) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving,
       rank() OVER (PARTITION BY customer ORDER BY quantity DESC) AS r
FROM orders WHERE customer = 7 ORDER BY id LIMIT 6;
WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 90)
SELECT n, a FROM fib WHERE n IN (1, 2, 10, 50, 90);
WITH top(customer, total) AS (
  SELECT customer, sum(quantity) FROM orders GROUP BY customer ORDER BY 2 DESC, 1 LIMIT 3)
SELECT c.name, top.total FROM top JOIN customer c ON c.id = top.customer ORDER BY top.total DESC, c.id;

.print == json
SELECT json_object('id', id, 'name', name, 'city', city) FROM customer WHERE id <= 3;
SELECT json_group_array(title) FROM (SELECT title FROM product WHERE id <= 4 ORDER BY id);
SELECT key, value FROM json_each('{"a": [1, 2.5, "x"], "b": {"c": null}, "d": true}');
SELECT json_extract('{"a": {"b": [10, 20, 30]}}', '$.a.b[1]'), json_valid('{"x":'),
       json_set('{"a": 1}', '$.b', json('[2, 3]'));

.print == numbers, text and dates
SELECT 1 / 3, 1.0 / 3, 7 % 3, 2e300 * 1e10, -0.0, 9223372036854775807 + 0, 0.1 + 0.2;
SELECT printf('%5.2f|%-6s|%08.3e|%x|%c', 3.14159, 'ab', 12345.678, 255, 'Zed');
SELECT sqrt(2), pow(2, 10), ln(10), floor(-1.5), ceil(1.2), pi();
SELECT upper('grüße'), lower('ÀB'), length('grüße'), substr('abcdef', -3, 2), instr('hello', 'll'),
       replace('a-b-c', '-', '+'), trim('  x  '), hex('Hi'), quote('it''s'), unicode('é');
SELECT date('2024-02-28', '+1 day'), datetime(1700000000, 'unixepoch'),
       strftime('%j %W %w', '2023-12-31'), julianday('2000-01-01') - julianday('1999-12-31');
SELECT typeof(1), typeof(1.5), typeof('x'), typeof(x'00'), typeof(NULL), 10 BETWEEN 1 AND 20;
SELECT CAST('12abc' AS INTEGER), CAST(3.99 AS INTEGER), CAST(x'414243' AS TEXT), '10' + 5;

.print == views, triggers, upsert, constraints
CREATE VIEW city_totals AS
  SELECT c.city, sum(o.quantity) AS items FROM customer c JOIN orders o ON o.customer = c.id
  GROUP BY c.city;
CREATE TABLE audit(what TEXT, product INTEGER, old REAL, new REAL);
CREATE TRIGGER price_change AFTER UPDATE OF price ON product
  BEGIN INSERT INTO audit VALUES ('price', old.id, old.price, new.price); END;
UPDATE product SET price = price * 2 WHERE id IN (1, 2, 3);
SELECT * FROM audit ORDER BY product;
INSERT INTO product(title, price) VALUES ('product 001', 5) ON CONFLICT(title) DO UPDATE SET price = 100;
SELECT id, title, price FROM product WHERE title = 'product 001';
INSERT OR IGNORE INTO product(title, price) VALUES ('free', 0);
SELECT changes() AS inserted_despite_check, count(*) AS products FROM product;
SELECT * FROM city_totals ORDER BY items DESC;

.print == vacuum, then reopen the database file
DELETE FROM orders WHERE id % 2 = 0;
VACUUM;
.open app.db
SELECT count(*) AS orders_after_reopen, sum(quantity) FROM orders;
SELECT name FROM sqlite_schema ORDER BY type, name;
PRAGMA integrity_check;
PRAGMA foreign_key_check;
PRAGMA page_size;

.print == write-ahead log
-- In exclusive locking mode the WAL index lives in the heap instead of a shared mapping of
-- app.db-shm: Ingot has no writable MAP_SHARED file mappings yet (mmap answers ENODEV).
PRAGMA locking_mode = EXCLUSIVE;
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO customer(name, city) VALUES ('wal one', 'Oslo'), ('wal two', 'Lima');
COMMIT;
UPDATE customer SET city = 'Rome' WHERE name = 'wal two';
SELECT id, name, city FROM customer WHERE name LIKE 'wal%' ORDER BY id;
PRAGMA wal_checkpoint(TRUNCATE);
PRAGMA journal_mode = DELETE;
PRAGMA locking_mode = NORMAL;
.open app.db
SELECT count(*) AS customers_after_wal FROM customer;
PRAGMA integrity_check;

.print == a second database, attached
ATTACH 'second.db' AS second;
CREATE TABLE second.copy AS SELECT * FROM product WHERE id <= 10;
SELECT count(*), sum(price) FROM second.copy;
DETACH second;
.open second.db
SELECT count(*) AS second_rows FROM copy;
PRAGMA integrity_check;
.print == done
