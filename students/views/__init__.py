"""The students app's pages: the school's upload (uploads), its students
(students) and the choice of candidates sent to the Dinas (selection)."""
