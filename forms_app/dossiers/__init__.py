"""The grassroots union's dossier (hồ sơ): its nominees, its Tờ trình and danh sách, its sending."""
