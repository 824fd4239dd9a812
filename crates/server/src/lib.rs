//! factorwatch as a service (`factorwatch serve`).
